/** Broker URLs built in one place: the loopback base (RFC 8252 §7.3: an IP literal, never `localhost`) and the redirect URI providers register. */
export const brokerBaseUrl = (port: number): string => `http://127.0.0.1:${port}`;

export const redirectUri = (baseUrl: string, providerId: string): string => `${baseUrl}/host-oauth-callback/${providerId}`;
