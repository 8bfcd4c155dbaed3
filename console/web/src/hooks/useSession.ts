import { useEffect, useState } from 'preact/hooks';
import type { SessionView } from '../../../shared/api.js';
import { loadSession } from '../api/client.js';

/** This tab's session; undefined until loaded. Actions are shown only when it allows them. */
export function useSession(): SessionView | undefined {
  const [session, setSession] = useState<SessionView>();
  useEffect(() => {
    loadSession().then(setSession, () => {});
  }, []);
  return session;
}

/** True when the console takes actions (loaded, and not read-only). */
export function useActions(): boolean {
  const session = useSession();
  return session !== undefined && !session.readOnly;
}
