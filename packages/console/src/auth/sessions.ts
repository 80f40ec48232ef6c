import { randomBytes } from 'node:crypto';

/** A logged-in browser. */
export interface Session {
  readonly id: string;
  readonly user: string;
  readonly csrfToken: string;
  lastSeen: number;
}

/** Sessions in memory: a restart logs everyone out, which is what an operator expects of a restart. */
export interface Sessions {
  create(user: string): Session;
  /** The session, if it exists and was used within the idle time (its clock restarts). */
  get(id: string | undefined): Session | undefined;
  delete(id: string): void;
  /** Ends every session of a user (removed account). */
  deleteUser(user: string): void;
}

/** Creates the session table. @param idleMs - a session unused this long is gone. */
export function createSessions(idleMs: number, now: () => number = Date.now): Sessions {
  const sessions = new Map<string, Session>();
  const sweep = () => {
    const cutoff = now() - idleMs;
    for (const [id, session] of sessions) if (session.lastSeen < cutoff) sessions.delete(id);
  };
  return {
    create(user) {
      sweep();
      const session = {
        id: randomBytes(32).toString('base64url'),
        user,
        csrfToken: randomBytes(32).toString('base64url'),
        lastSeen: now(),
      };
      sessions.set(session.id, session);
      return session;
    },
    get(id) {
      if (id === undefined) return undefined;
      const session = sessions.get(id);
      if (!session) return undefined;
      if (session.lastSeen < now() - idleMs) {
        sessions.delete(id);
        return undefined;
      }
      session.lastSeen = now();
      return session;
    },
    delete: (id) => {
      sessions.delete(id);
    },
    deleteUser(user) {
      for (const [id, session] of sessions) if (session.user === user) sessions.delete(id);
    },
  };
}
