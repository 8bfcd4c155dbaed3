import { useEffect } from 'preact/hooks';
import { api } from './api/client.js';
import { usePoll } from './hooks/usePoll.js';
import { matchPath, useLocation } from './hooks/useRoute.js';
import { PAGES } from './pages.js';

/** The frame: header with the target, the navigation from {@link PAGES}, and the page. */
export function App() {
  const location = useLocation();
  const meta = usePoll((signal) => api.meta(signal), 0);
  const found = PAGES.map((page) => ({ page, params: matchPath(page.path, location.path) })).find(
    (m) => m.params,
  );
  const title = found?.page.title ?? 'Not found';
  useEffect(() => {
    document.title = `${title} · taskpipe console`;
  }, [title]);
  const Page = found?.page.component;
  return (
    <>
      <button type="button" class="skip" onClick={skipToMain}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">taskpipe</span>
        <nav aria-label="Console pages">
          <ul>
            {PAGES.filter((p) => p.nav).map((p) => {
              const here =
                found?.page === p || (p.path !== '/' && location.path.startsWith(p.path));
              return (
                <li key={p.path}>
                  <a href={`#${p.path}`} aria-current={here ? 'page' : undefined}>
                    {p.title}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <span class="target" title={meta.data?.target.where}>
          {meta.data
            ? `${meta.data.target.kind === 'local' ? 'local' : 'AWS'} · ${meta.data.target.region}`
            : ''}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {Page && found?.params ? (
          <Page params={found.params} location={location} />
        ) : (
          <section>
            <h1>Not found</h1>
            <p>
              No page at this address. <a href="#/">Go to the overview</a>.
            </p>
          </section>
        )}
      </main>
    </>
  );
}

/** The fragment routes pages, so skipping to the content moves the focus itself. */
function skipToMain() {
  document.getElementById('main')?.focus();
}
