/** The inputs shared by the add and edit forms. Each input edits one field of the draft. */
import type { ProviderDraft, DraftErrors, AuthMethod } from '../logic/provider-draft.ts';
import { Field } from '../components/field.tsx';

export interface DraftProps {
  draft: ProviderDraft;
  errors: DraftErrors;
  set: (patch: Partial<ProviderDraft>) => void;
}

export function TextField({ draft, errors, set, name, label, hint, type = 'text', placeholder, autoComplete = 'off' }: DraftProps & {
  name: 'providerId' | 'name' | 'clientId' | 'clientSecret' | 'issuer' | 'authUrl' | 'tokenUrl' | 'revocationUrl';
  label: string;
  hint?: string;
  type?: 'text' | 'url' | 'password';
  placeholder?: string;
  autoComplete?: string;
}) {
  return (
    <Field label={label} hint={hint} error={errors[name]}>
      {(a) => <input {...a} type={type} value={draft[name]} placeholder={placeholder} autoComplete={autoComplete} spellCheck={false} onChange={(e) => set({ [name]: e.target.value })} />}
    </Field>
  );
}

export function ClientFields(props: DraftProps & { secretHint: string }) {
  return (
    <>
      <TextField {...props} name="clientId" label="Client id" hint="From the provider's developer console, where you registered the app." />
      <TextField {...props} name="clientSecret" type="password" label="Client secret" hint={props.secretHint} autoComplete="new-password" />
    </>
  );
}

/** `fixedAuthMethod`: the edit form cannot change how the client authenticates. */
export function EndpointFields(props: DraftProps & { fixedAuthMethod?: boolean }) {
  const { draft, errors, set, fixedAuthMethod = false } = props;
  return (
    <>
      <TextField {...props} name="authUrl" type="url" label="Authorization URL" placeholder="https://provider.example/oauth/authorize" />
      <TextField {...props} name="tokenUrl" type="url" label="Token URL" placeholder="https://provider.example/oauth/token" />
      <TextField {...props} name="revocationUrl" type="url" label="Revocation URL (optional)" hint="RFC 7009. When set, disconnecting also revokes the token at the provider." />
      <div className="field-row">
        {fixedAuthMethod ? null : <Field label="Client authentication">
          {(a) => (
            <select {...a} value={draft.authMethod} onChange={(e) => set({ authMethod: e.target.value as AuthMethod })}>
              <option value="client_secret_post">Secret in the request body</option>
              <option value="client_secret_basic">Secret in HTTP Basic auth</option>
              <option value="none">None (public client, PKCE)</option>
            </select>
          )}
        </Field>}
        <label className="check">
          <input type="checkbox" checked={draft.usesPkce} onChange={(e) => set({ usesPkce: e.target.checked })} /> Use PKCE (S256)
        </label>
      </div>
      <Field label="Extra authorization parameters (optional)" hint="One name=value per line, e.g. access_type=offline." error={errors.authorizationParams}>
        {(a) => <textarea {...a} rows={3} value={draft.authorizationParams} spellCheck={false} onChange={(e) => set({ authorizationParams: e.target.value })} />}
      </Field>
    </>
  );
}
