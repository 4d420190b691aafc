import { CloudflareSdkError } from './errors.js';

/** The parts of the official SDK's page classes that collecting needs. */
export interface PageLike<Item> {
  getPaginatedItems(): Item[];
  hasNextPage(): boolean;
  getNextPage(): Promise<PageLike<Item>>;
  result_info?: {
    page?: number;
    per_page?: number;
    total_pages?: number;
    total_count?: number;
    cursor?: string;
  };
}

/** A guard, not a limit anyone should reach: 1000 pages of 20 D1 databases is far beyond any account. */
export const MAX_PAGES = 1000;

/**
 * Collects every item of a paginated list.
 *
 * The SDK alone asks for page after page until one comes back empty. We also stop as soon as `result_info`
 * says we have everything (last page, total count reached, a short page), which saves a request on the
 * real API, and when a page repeats the previous one, so a server that ignores `page` cannot loop us forever.
 * A repeated cursor is an error.
 */
export async function collectAll<Item>(first: Promise<PageLike<Item>>, operation: string): Promise<Item[]> {
  let page = await first;
  const items: Item[] = [...page.getPaginatedItems()];
  const cursors = new Set<string>();
  for (let fetched = 1; ; fetched++) {
    const info = page.result_info;
    const onPage = page.getPaginatedItems().length;
    if (!page.hasNextPage()) break;
    if (info?.page !== undefined && info.total_pages !== undefined && info.page >= info.total_pages) break;
    if (info?.total_count !== undefined && info.cursor === undefined && items.length >= info.total_count) break;
    if (info?.per_page !== undefined && onPage < info.per_page) break;
    if (info?.cursor) {
      if (cursors.has(info.cursor)) {
        throw new CloudflareSdkError(`${operation}: the API returned cursor "${info.cursor}" twice; stopping.`);
      }
      cursors.add(info.cursor);
    }
    if (fetched >= MAX_PAGES) {
      throw new CloudflareSdkError(`${operation}: more than ${MAX_PAGES} pages; the API does not seem to paginate.`);
    }
    const previous = JSON.stringify(page.getPaginatedItems());
    page = await page.getNextPage();
    // A server that ignores `page` (and sends no result_info) repeats the first page: we already have it all.
    if (JSON.stringify(page.getPaginatedItems()) === previous) break;
    items.push(...page.getPaginatedItems());
  }
  return items;
}
