// The browser side of a session: the cookie that carries its token, the CSRF rule for writes
// made with it, and what the server can tell about the client (address, browser).
//
// The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
// Path=/ and Secure when the request came over HTTPS: directly, or through a proxy whose
// X-Forwarded-Proto is believed because LOCALDESK_TRUST_PROXY says one is in front.
import type { Context } from 'koa';
import { AppError } from '../core/errors.ts';
import type { ClientInfo } from '../domain/sessions/sessions.service.ts';

export const sessionCookieName = 'ldk_session';
/** The header the web UI sends with every request; a form or an image on another page cannot. */
export const csrfHeaderName = 'X-LocalDesk-CSRF';

export function readSessionCookie(http: Context): string | null {
  return http.cookies.get(sessionCookieName) ?? null;
}

/**
 * Sets the cookie for the session's remaining lifetime. Given as a duration, not the server's
 * idea of the end date, so a browser whose clock differs still keeps it as long as it should;
 * the server enforces the real end (and the idle timeout) itself.
 */
export function setSessionCookie(http: Context, token: string, lifetimeMs: number): void {
  http.cookies.set(sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: http.secure,
    maxAge: Math.max(1000, lifetimeMs),
    overwrite: true,
  });
}

export function clearSessionCookie(http: Context): void {
  http.cookies.set(sessionCookieName, '', {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: http.secure,
    expires: new Date(0),
    overwrite: true,
  });
}

/** The origin this request came to: its scheme and its Host (with the port). */
export function ownOrigin(http: Context): string {
  return `${http.protocol}://${http.host}`;
}

/** The Origin header, or the origin of the Referer when a browser sent no Origin. */
function claimedOrigin(http: Context): string | null {
  const origin = http.get('origin');
  if (origin && origin !== 'null') return origin;
  const referer = http.get('referer');
  if (!referer) return origin === 'null' ? 'null' : null;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * A write made with the session cookie must come from the app's own pages: its Origin (or
 * Referer) is this server's origin, and it carries the UI's custom header. API keys are never
 * subject to this: a page on another site cannot know a key.
 */
export function assertSameOriginWrite(http: Context): void {
  const claimed = claimedOrigin(http);
  const own = ownOrigin(http);
  if (claimed !== own) {
    throw new AppError(
      'FORBIDDEN',
      claimed
        ? `a write with the session cookie must come from ${own}, not ${claimed}`
        : `a write with the session cookie must carry an Origin (or Referer) of ${own}`,
      { expectedOrigin: own, origin: claimed },
    );
  }
  if (!http.get(csrfHeaderName)) {
    throw new AppError('FORBIDDEN', `a write with the session cookie must carry the ${csrfHeaderName} header`, {
      header: csrfHeaderName,
    });
  }
}

/** Requests that need no credential (sign-in) still refuse another site's page when it says so. */
export function assertNotCrossOrigin(http: Context): void {
  const claimed = claimedOrigin(http);
  if (claimed && claimed !== ownOrigin(http)) {
    throw new AppError('FORBIDDEN', `this request must come from ${ownOrigin(http)}, not ${claimed}`, {
      expectedOrigin: ownOrigin(http),
      origin: claimed,
    });
  }
}

export function clientOf(http: Context): ClientInfo {
  return { ip: http.ip || 'unknown', device: http.get('user-agent').slice(0, 200) || 'unknown' };
}
