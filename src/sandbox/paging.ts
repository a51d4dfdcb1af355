/**
 * Page numbers, page sizes and the `next`/`previous` links, the way RAWG's paginator does them:
 * a bad page is "Invalid page.", a bad page_size falls back to the default, and links are
 * absolute URLs with every query parameter of the request (key included), sorted by name.
 */
import { pageCount } from './catalogue.js';

export const MAX_PAGE_SIZE = 40;

export interface PageWindow {
  page: number;
  pageSize: number;
  /** Positions [start, end) of the list on this page. */
  start: number;
  end: number;
  last: number;
}

/** The requested page of a list of `count` items, or undefined for an invalid page. */
export function pageWindow(params: URLSearchParams, count: number, defaultPageSize: number): PageWindow | undefined {
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
  return { page, pageSize, start, end: Math.min(start + pageSize, count), last };
}

/** `next` and `previous` for a page; `previous` of page 2 has no `page`, like the real API. */
export function pageLinks(origin: string, pathname: string, params: URLSearchParams, window: PageWindow): { next: string | null; previous: string | null } {
  const link = (page: number) => {
    const query = new URLSearchParams(params);
    if (page === 1) query.delete('page');
    else query.set('page', String(page));
    query.sort();
    const text = query.toString();
    return `${origin}${pathname}${text ? `?${text}` : ''}`;
  };
  return {
    next: window.page < window.last ? link(window.page + 1) : null,
    previous: window.page > 1 ? link(window.page - 1) : null,
  };
}
