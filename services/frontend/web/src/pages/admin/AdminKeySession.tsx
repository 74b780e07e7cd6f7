/** "Using an admin key for this tab. Forget the key" */
export function AdminKeySession({ onForget }: { onForget: () => void }) {
  return (
    <p className="admin-session">
      Using an admin key for this tab.{' '}
      <button type="button" className="button button-link" onClick={onForget}>
        Forget the key
      </button>
    </p>
  );
}
