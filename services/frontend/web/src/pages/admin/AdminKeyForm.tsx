import { useState, type FormEvent } from 'react';
import { TextField } from '../../components/TextField';

/** Asks for the admin API key; it is kept for this tab only (sessionStorage). */
export function AdminKeyForm({ onKey }: { onKey: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed === '') {
      setError('Enter the admin API key.');
      return;
    }
    onKey(trimmed);
  };
  return (
    <form className="admin-key" onSubmit={submit} noValidate>
      <TextField
        id="admin-key"
        label="Admin API key"
        type="password"
        autoComplete="off"
        value={key}
        onChange={(v) => {
          setKey(v);
          setError(undefined);
        }}
        error={error}
        hint="Kept in this browser tab only, and forgotten when the tab closes."
        required
      />
      <button type="submit" className="button">
        Use this key
      </button>
    </form>
  );
}
