/** The two ways out of "no usable keychain", as commands that work (banner, doctor, `latchkey env`). */
export function keychainFixes(): string[] {
  return [
    'Fix it in one of two ways:',
    '  1. Start a Secret Service. In a desktop session, gnome-keyring or KeePassXC; over SSH, in WSL or a container:',
    "       dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock --components=secrets < ~/.keyring-pass >/dev/null && npx latchkey serve'",
    '     (~/.keyring-pass: a mode-0600 file holding the keyring password; `apt-get install dbus gnome-keyring` if they are missing)',
    '  2. Or opt in to the passphrase vault (the key is derived from a passphrase you type at start, or read from a 0600 file):',
    '       npx latchkey serve --vault passphrase',
    '       LATCHKEY_PASSPHRASE_FILE=~/.config/latchkey-passphrase npx latchkey serve --vault passphrase',
  ];
}
