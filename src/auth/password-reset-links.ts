import type { EntityManager } from 'typeorm';

/** Sets a user's links that still work to used: only the newest link, and none after a password change, may work. */
export async function voidResetLinks(m: EntityManager, userId: string): Promise<void> {
  await m.query('UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL AND token_hash IS NOT NULL', [userId]);
}
