/** Entry point: one owner API client, one event stream, one React root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EventStream } from './api/event-stream.ts';
import { OwnerClient } from './api/owner-client.ts';
import { App } from './app.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App client={new OwnerClient()} stream={new EventStream()} />
  </StrictMode>,
);
