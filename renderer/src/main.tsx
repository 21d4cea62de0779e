/** Entry point: one owner API client, one event stream, one React root; a `#login=` fragment is taken first. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EventStream } from './api/event-stream.ts';
import { OwnerClient } from './api/owner-client.ts';
import { takeLoginToken } from './api/session-store.ts';
import { App } from './app.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const loginToken = takeLoginToken();
// A sign-in link pasted into an already open window changes only the fragment: start over with it.
window.addEventListener('hashchange', () => { if (window.location.hash.startsWith('#login=')) window.location.reload(); });
const client = new OwnerClient();
const stream = new EventStream(async () => (await client.eventTicket()).ticket);
createRoot(root).render(
  <StrictMode>
    <App client={client} stream={stream} loginToken={loginToken} />
  </StrictMode>,
);
