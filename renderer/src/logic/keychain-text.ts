/**
 * The keychain's failure reason (raw text from D-Bus, libsecret or the OS) in words: what
 * it means and what fixes it. The raw text stays available behind a disclosure.
 */
export interface KeychainProblem { meaning: string; fix: string; command?: string }

const KNOWN: ReadonlyArray<{ test: RegExp; problem: KeychainProblem }> = [
  {
    test: /autolaunch|DBUS_SESSION_BUS_ADDRESS|session bus|Cannot spawn a message bus|org\.freedesktop\.DBus/i,
    problem: {
      meaning: 'Latchkey found no desktop session bus (D-Bus), so it cannot reach a keychain. This happens over SSH, in containers and in bare terminals.',
      fix: 'Start Latchkey from your desktop session, or run it inside one:',
      command: "dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock; npm start'",
    },
  },
  {
    test: /org\.freedesktop\.secrets|ServiceUnknown|secret service|no such (interface|object)|was not provided by any \.service/i,
    problem: {
      meaning: 'The session has no Secret Service: no keychain program (such as gnome-keyring or KeePassXC) is running.',
      fix: 'Install and start one (on Debian and Ubuntu: apt install gnome-keyring), then restart Latchkey.',
    },
  },
  {
    test: /locked|unlock|dismissed|cancel/i,
    problem: {
      meaning: 'The keychain is locked, or the unlock prompt was dismissed.',
      fix: 'Unlock your login keychain (log in again, or open your keyring manager and unlock it), then restart Latchkey.',
    },
  },
  {
    test: /denied|not allowed|permission/i,
    problem: {
      meaning: 'The keychain refused Latchkey access to its entry.',
      fix: 'Allow Latchkey in your keychain\'s access prompt or settings, then restart Latchkey.',
    },
  },
];

const UNKNOWN: KeychainProblem = {
  meaning: 'The OS keychain did not answer as expected.',
  fix: 'Unlock or start your OS keychain (on Linux, a Secret Service such as gnome-keyring), then restart Latchkey.',
};

export function explainKeychain(reason: string | null): KeychainProblem {
  if (!reason) return UNKNOWN;
  return KNOWN.find((k) => k.test.test(reason))?.problem ?? UNKNOWN;
}
