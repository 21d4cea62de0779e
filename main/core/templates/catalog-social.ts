/** Templates for social and media providers (providers.md). */
import { template, type ProviderTemplate } from './template.ts';

export const SOCIAL_TEMPLATES: readonly ProviderTemplate[] = [
  template({
    id: 'x',
    name: 'X (Twitter)',
    authUrl: 'https://x.com/i/oauth2/authorize',
    tokenUrl: 'https://api.twitter.com/2/oauth2/token',
    revocationUrl: 'https://api.twitter.com/2/oauth2/revoke',
    pkce: 'required',
    tokenAuthMethod: 'client_secret_basic',
    // offline.access is what makes X issue a refresh token.
    defaultScopes: ['tweet.read', 'users.read', 'offline.access'],
    scopes: {
      'tweet.read': 'Read posts you can see',
      'tweet.write': 'Post as you',
      'users.read': 'Read profiles',
      'offline.access': 'Stay connected (refresh token)',
      'like.read': 'Read likes',
      'dm.read': 'Read your direct messages',
    },
    refresh: { issued: 'offline', rotates: true },
    docsUrl: 'https://developer.x.com/en/portal/dashboard',
    notes: 'Public ("native app") clients have no secret: switch the token auth method to none.',
  }),
  template({
    id: 'spotify',
    name: 'Spotify',
    authUrl: 'https://accounts.spotify.com/authorize',
    tokenUrl: 'https://accounts.spotify.com/api/token',
    tokenAuthMethod: 'client_secret_basic',
    defaultScopes: ['user-read-email', 'user-read-private'],
    scopes: {
      'user-read-email': 'Read your email address',
      'user-read-private': 'Read your subscription details and country',
      'user-read-playback-state': 'See what is playing',
      'user-modify-playback-state': 'Control playback',
      'playlist-read-private': 'Read your private playlists',
      'playlist-modify-private': 'Edit your private playlists',
    },
    refresh: { issued: 'always', rotates: false },
    docsUrl: 'https://developer.spotify.com/dashboard',
    notes: 'Register the redirect URI with 127.0.0.1 and the port: Spotify refuses "localhost".',
  }),
  template({
    id: 'discord',
    name: 'Discord',
    authUrl: 'https://discord.com/oauth2/authorize',
    tokenUrl: 'https://discord.com/api/oauth2/token',
    revocationUrl: 'https://discord.com/api/oauth2/token/revoke',
    tokenAuthMethod: 'client_secret_basic',
    defaultScopes: ['identify'],
    scopes: {
      'identify': 'Read your username and avatar',
      'email': 'Read your email address',
      'guilds': 'List your servers',
      'guilds.members.read': 'Read your member info in your servers',
      'connections': 'List your linked third-party accounts',
    },
    refresh: { issued: 'always', rotates: true },
    docsUrl: 'https://discord.com/developers/applications',
  }),
  template({
    id: 'reddit',
    name: 'Reddit',
    authUrl: 'https://www.reddit.com/api/v1/authorize',
    tokenUrl: 'https://www.reddit.com/api/v1/access_token',
    revocationUrl: 'https://www.reddit.com/api/v1/revoke_token',
    tokenAuthMethod: 'client_secret_basic',
    // Without duration=permanent Reddit issues a one-hour token and no refresh token.
    authorizationParams: { duration: 'permanent' },
    defaultScopes: ['identity'],
    scopes: {
      'identity': 'Read your username and signup date',
      'read': 'Read posts and comments',
      'submit': 'Submit links and comments',
      'history': 'Read your voting and posting history',
      'mysubreddits': 'List the subreddits you joined or moderate',
      'privatemessages': 'Read and send private messages',
    },
    refresh: { issued: 'offline', rotates: false },
    quirks: {
      // Reddit's API rules require a unique, descriptive User-Agent; generic ones are throttled.
      tokenHeaders: { 'User-Agent': 'latchkey/0.1 (local OAuth broker)' },
      // A bad code comes back as HTTP 200 {"error": "invalid_grant"}.
      errorsWithStatus200: true,
    },
    docsUrl: 'https://www.reddit.com/prefs/apps',
    notes: 'Create an app of type "web app" (or "installed app" with auth method none).',
  }),
];
