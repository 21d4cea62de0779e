/** Settings: how agents connect, the approval policy, API keys, pairing requests, the keychain, signed-in sessions. */
import { useState } from 'react';
import { useApp } from '../app-context.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Copyable } from '../components/copyable.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { hasSecret, maskEnvBlock } from '../logic/env-block.ts';
import { explainKeychain } from '../logic/keychain-text.ts';
import { useAction } from '../hooks/use-action.ts';
import { KeysSection } from './keys-section.tsx';
import { PairingsSection } from './pairings-section.tsx';
import { PolicySection } from './policy-section.tsx';
import { SessionsSection } from './sessions-section.tsx';

export function SettingsPage() {
  const { session } = useApp();
  return (
    <>
      <PageHeader title="Settings" lead="How agents reach Latchkey, when it asks you, and who holds a key." />
      <section className="panel" aria-labelledby="connect-title">
        <h2 id="connect-title">Connect an agent</h2>
        <p>Paste this into the agent's shell (or its <code>.env</code>) so the Agent Auth SDK talks to this Latchkey:</p>
        <EnvBlock block={session.env_block} />
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
      {session.via === 'session' ? <SessionsSection /> : null}
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
      <button type="button" className="btn small" disabled={action.busy} onClick={() => void action.run(async () => setIssued((await client.reissueOwnerKey()).env_block))}>Reissue owner key</button>
      {issued ? <Copyable value={issued} label="New environment block (the old owner key is revoked)" block /> : null}
      {action.error ? <ErrorNotice error={action.error} /> : null}
    </>
  );
}

/** The env block carries the owner key: masked until Reveal; Copy always copies the real block. */
function EnvBlock({ block }: { block: string }) {
  const [revealed, setRevealed] = useState(false);
  const secret = hasSecret(block);
  return (
    <div className="copyable block">
      <pre className="mono" aria-label="Environment block">{revealed || !secret ? block : maskEnvBlock(block)}</pre>
      <div className="copy-actions">
        {secret ? (
          <button type="button" className="btn small" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
            {revealed ? 'Hide key' : 'Reveal key'}
          </button>
        ) : null}
        <CopyButton text={block} label="Environment block" />
      </div>
    </div>
  );
}

function KeychainSection() {
  const { keychain } = useApp().session;
  const problem = explainKeychain(keychain.reason);
  return (
    <section className="panel" aria-labelledby="keychain-title">
      <h2 id="keychain-title">Keychain</h2>
      <p>
        {keychain.ok ? <StatusBadge tone="ok">Working</StatusBadge> : <StatusBadge tone="bad">Unavailable</StatusBadge>}{' '}
        {keychain.vault === 'passphrase' ? 'Passphrase vault: secrets are sealed with a key derived from your passphrase' : <>Secrets are sealed with a master key kept in <strong>{keychain.backend}</strong></>}.
      </p>
      {!keychain.ok ? (
        <div className="notice bad" role="alert">
          <p className="notice-title">Latchkey cannot store tokens right now. Nothing is stored in plaintext meanwhile.</p>
          <p><strong>What it means:</strong> {problem.meaning}</p>
          <p><strong>Fix:</strong> {problem.fix}</p>
          {problem.command ? <pre className="mono command small">{problem.command}</pre> : null}
          {keychain.reason ? (
            <details className="raw">
              <summary>Technical details</summary>
              <pre className="mono">{keychain.reason}</pre>
            </details>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
