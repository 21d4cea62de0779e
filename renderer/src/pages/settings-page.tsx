/** Settings: how agents connect, the approval policy, API keys, pairing requests, the keychain. */
import { useState } from 'react';
import { useApp } from '../app-context.ts';
import { Copyable } from '../components/copyable.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { useAction } from '../hooks/use-action.ts';
import { KeysSection } from './keys-section.tsx';
import { PairingsSection } from './pairings-section.tsx';
import { PolicySection } from './policy-section.tsx';

export function SettingsPage() {
  const { session } = useApp();
  return (
    <>
      <PageHeader title="Settings" lead="How agents reach Latchkey, when it asks you, and who holds a key." />
      <section className="panel" aria-labelledby="connect-title">
        <h2 id="connect-title">Connect an agent</h2>
        <p>Paste this into the agent's shell (or its <code>.env</code>) so the Agent Auth SDK talks to this Latchkey:</p>
        <Copyable value={session.env_block} label="Environment block" block />
        <dl className="facts">
          <dt>Address</dt><dd className="mono">{session.url}</dd>
          <dt>Port</dt><dd className="mono">{session.port}</dd>
          <dt>Version</dt><dd>Latchkey {session.version}</dd>
        </dl>
        <p className="hint">The port is set with <code>--port</code> or <code>LATCHKEY_PORT</code> when Latchkey starts.</p>
        <ReissueOwnerKey />
      </section>
      <KeychainSection />
      <PolicySection />
      <PairingsSection />
      <KeysSection />
    </>
  );
}

/** A new owner key (the old one is revoked), shown once here; the same as `latchkey keys reissue-owner`. */
function ReissueOwnerKey() {
  const { client } = useApp();
  const action = useAction();
  const [issued, setIssued] = useState<string | null>(null);
  return (
    <>
      <button type="button" disabled={action.busy} onClick={() => void action.run(async () => setIssued((await client.reissueOwnerKey()).env_block))}>Reissue owner key</button>
      {issued ? <Copyable value={issued} label="New environment block (the old owner key is revoked)" block /> : null}
      {action.error ? <ErrorNotice error={action.error} /> : null}
    </>
  );
}

function KeychainSection() {
  const { keychain } = useApp().session;
  return (
    <section className="panel" aria-labelledby="keychain-title">
      <h2 id="keychain-title">Keychain</h2>
      <p>
        {keychain.ok ? <StatusBadge tone="ok">Working</StatusBadge> : <StatusBadge tone="bad">Unavailable</StatusBadge>}{' '}
        {keychain.vault === 'passphrase' ? 'Passphrase vault: secrets are sealed with a key derived from your passphrase' : <>Secrets are sealed with a master key kept in <strong>{keychain.backend}</strong></>}.
      </p>
      {!keychain.ok ? (
        <div className="notice bad" role="alert">
          <p className="notice-title">Latchkey cannot store tokens right now{keychain.reason ? `: ${keychain.reason}` : '.'}</p>
          <p>Start a Secret Service (<code>npx latchkey doctor</code> shows the command), or opt in to the passphrase vault: <code>npx latchkey serve --vault passphrase</code>. Nothing is stored in plaintext meanwhile.</p>
        </div>
      ) : null}
    </section>
  );
}
