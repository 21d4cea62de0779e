/** The role a key gets (new key, or an adopted pairing): the same two choices everywhere. */
export type KeyRole = 'agent' | 'owner';

export function RoleField({ id, role, onChange }: { id: string; role: KeyRole; onChange: (role: KeyRole) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>Role</label>
      <select id={id} value={role} onChange={(e) => onChange(e.target.value === 'owner' ? 'owner' : 'agent')}>
        <option value="agent">Agent</option>
        <option value="owner">Owner</option>
      </select>
    </div>
  );
}
