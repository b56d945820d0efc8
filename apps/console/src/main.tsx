import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AdminView } from './admin.view.js';
import './console.css';
import { CustomerView } from './customer.view.js';
import { DeadLettersView } from './dead-letters.view.js';
import { SagaView } from './saga.view.js';
import { loadSession, saveSession, type Session } from './session.js';
import { SignInView } from './sign-in.view.js';

/** The hash is the route (`#/admin`, `#/sagas/<id>`): no server routes, no token in any URL. */
function useRoute(): string {
  const [route, setRoute] = useState(location.hash.slice(1) || '/');
  useEffect(() => {
    const changed = () => setRoute(location.hash.slice(1) || '/');
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function homeOf(session: Session): string {
  return session.role === 'admin' ? '#/admin' : '#/customer';
}

function Console() {
  const [session, setSession] = useState(loadSession());
  const route = useRoute();

  const signedIn = (next: Session) => {
    saveSession(next);
    setSession(next);
    location.hash = homeOf(next);
  };
  const signOut = () => {
    saveSession(undefined);
    setSession(undefined);
    location.hash = '#/';
  };

  // A new view takes the focus, as a page load would, so keyboard and screen-reader users start there.
  useEffect(() => {
    document.getElementById('main')?.focus();
  }, [route, session]);

  const sagaId = /^\/sagas\/([0-9a-f-]{36})$/.exec(route)?.[1];
  let view;
  if (!session) view = <SignInView onSignedIn={signedIn} />;
  else if (sagaId) view = <SagaView key={sagaId} session={session} sagaId={sagaId} />;
  else if (route === '/admin' && session.role === 'admin') view = <AdminView session={session} />;
  else if (route === '/dead-letters' && session.role === 'admin') {
    view = <DeadLettersView session={session} />;
  } else if (session.role === 'customer') view = <CustomerView session={session} />;
  else view = <AdminView session={session} />;

  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Sagaflow</span>
        {session && (
          <nav aria-label="Console">
            {session.role === 'customer' ? (
              <a href="#/customer" aria-current={route !== '/customer' ? undefined : 'page'}>
                My account
              </a>
            ) : (
              <>
                <a href="#/admin" aria-current={route === '/admin' ? 'page' : undefined}>
                  Operations
                </a>
                <a
                  href="#/dead-letters"
                  aria-current={route === '/dead-letters' ? 'page' : undefined}
                >
                  Dead letters
                </a>
              </>
            )}
            <span class="who">
              {session.role} {session.subject.slice(0, 8)}
            </span>
            <button type="button" class="secondary" onClick={signOut}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {view}
      </main>
    </>
  );
}

render(<Console />, document.getElementById('console')!);
