/**
 * Page numbers, page sizes and the `next`/`previous` links, the way RAWG's paginator does them:
 * a bad page is "Invalid page.", a bad page_size falls back to the default, pages past the
 * result window of the search index behind the API are "Invalid page." too, and links are
 * absolute URLs on the public host with every query parameter of the request (key included),
 * sorted by name.
 */
import { pageCount } from './catalogue.js';

export const MAX_PAGE_SIZE = 40;
/** RAWG's result window: "the API doesn't show more than 500 pages" of 20. */
export const DEFAULT_MAX_RESULTS = 10_000;
/** Links name the real API whatever host the sandbox listens on, as captured responses do. */
export const PUBLIC_ORIGIN = 'https://api.rawg.io';

export interface PageWindow {
  page: number;
  pageSize: number;
  /** Positions [start, end) of the list on this page. */
  start: number;
  end: number;
  last: number;
}

/**
 * The requested page of a list of `count` items, or undefined for an invalid page: one past the
 * end, or one that reaches beyond the first `maxResults` items (while `count` and the links still
 * tell the whole list).
 */
export function pageWindow(
  params: URLSearchParams,
  count: number,
  defaultPageSize: number,
  maxResults: number,
): PageWindow | undefined {
  const pageText = params.get('page') ?? '1';
  if (!/^\d+$/.test(pageText)) return undefined;
  const page = Number(pageText);
  const sizeText = params.get('page_size') ?? '';
  const requested = /^\d+$/.test(sizeText) ? Number(sizeText) : 0;
  // A larger page_size is capped, not refused; zero or garbage means the default.
  const pageSize = requested > 0 ? Math.min(requested, MAX_PAGE_SIZE) : defaultPageSize;
  const last = pageCount(count, pageSize);
  if (page < 1 || page > last) return undefined;
  const start = (page - 1) * pageSize;
  if (start + pageSize > maxResults) return undefined;
  return { page, pageSize, start, end: Math.min(start + pageSize, count), last };
}

/** `next` and `previous` for a page; `previous` of page 2 has no `page`, like the real API. */
export function pageLinks(
  pathname: string,
  params: URLSearchParams,
  window: PageWindow,
): { next: string | null; previous: string | null } {
  const link = (page: number) => {
    const query = new URLSearchParams(params);
    if (page === 1) query.delete('page');
    else query.set('page', String(page));
    query.sort();
    const text = query.toString();
    return `${PUBLIC_ORIGIN}${pathname}${text ? `?${text}` : ''}`;
  };
  return {
    next: window.page < window.last ? link(window.page + 1) : null,
    previous: window.page > 1 ? link(window.page - 1) : null,
  };
}
