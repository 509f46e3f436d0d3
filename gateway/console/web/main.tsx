import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setCsrfToken } from './api.js';
import { App } from './app.js';
import { loadSession, signIn } from './csrf.js';
import './console.css';

/** The console's entry: read the session (or go to the sign-in form), then render the app. */
async function start(): Promise<void> {
  const session = await loadSession();
  if (!session) return signIn();
  setCsrfToken(session.csrf);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App session={session} />
    </StrictMode>,
  );
}

void start();
