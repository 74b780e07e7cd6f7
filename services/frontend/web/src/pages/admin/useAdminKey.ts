// The admin key of this tab (sessionStorage, see state/admin-key.ts) as React state.
import { useCallback, useState } from 'react';
import { ApiError } from '../../api/http';
import { adminKeyStore } from '../../app/services';

export interface AdminKey {
  key: string;
  accept: (key: string) => void;
  forget: () => void;
}

export function useAdminKey(): AdminKey {
  const [key, setKey] = useState(() => adminKeyStore.get());
  const accept = useCallback((value: string) => {
    adminKeyStore.set(value);
    setKey(value);
  }, []);
  const forget = useCallback(() => {
    adminKeyStore.clear();
    setKey('');
  }, []);
  return { key, accept, forget };
}

/** 401 (no key) or 403 (a wrong key): the key is forgotten so the key form comes back. */
export function isAuthError(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}
