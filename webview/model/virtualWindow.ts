/**
 * The virtualised list's arithmetic: fixed-height rows, so the rows in view follow from the scroll
 * position alone and 10,000 events cost as much to draw as the forty on screen.
 */

export interface WindowInput {
  rowCount: number;
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  /** Rows drawn beyond each edge so fast scrolling does not show blank space. */
  overscan: number;
}

export interface VirtualWindow {
  /** First row drawn. */
  first: number;
  /** One past the last row drawn. */
  end: number;
  /** Where the first drawn row sits, in px from the top of the list. */
  offsetTop: number;
  /** Height of the whole list, so the scrollbar is right. */
  totalHeight: number;
}

export function computeWindow(input: WindowInput): VirtualWindow {
  const { rowCount, rowHeight, viewportHeight, overscan } = input;
  const totalHeight = rowCount * rowHeight;
  if (rowCount === 0 || rowHeight <= 0) return { first: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  const maxScroll = Math.max(0, totalHeight - viewportHeight);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const firstVisible = Math.floor(scrollTop / rowHeight);
  const lastVisible = Math.ceil((scrollTop + Math.max(viewportHeight, 0)) / rowHeight);
  const first = Math.max(0, firstVisible - overscan);
  const end = Math.min(rowCount, Math.max(lastVisible, firstVisible + 1) + overscan);
  return { first, end, offsetTop: first * rowHeight, totalHeight };
}

/** The scroll position that brings `row` fully into view, moving as little as possible. */
export function revealRow(row: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = row * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

export type NavKey = 'ArrowUp' | 'ArrowDown' | 'PageUp' | 'PageDown' | 'Home' | 'End';

export function isNavKey(key: string): key is NavKey {
  return key === 'ArrowUp' || key === 'ArrowDown' || key === 'PageUp' || key === 'PageDown' || key === 'Home' || key === 'End';
}

/** The active row after a navigation key; `pageSize` is the number of rows that fit the viewport. */
export function moveActive(key: NavKey, active: number, rowCount: number, pageSize: number): number {
  if (rowCount === 0) return -1;
  const page = Math.max(1, pageSize - 1);
  const from = active < 0 ? -1 : Math.min(active, rowCount - 1);
  let next: number;
  switch (key) {
    case 'ArrowUp':
      next = from < 0 ? 0 : from - 1;
      break;
    case 'ArrowDown':
      next = from + 1;
      break;
    case 'PageUp':
      next = from - page;
      break;
    case 'PageDown':
      next = from + page;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = rowCount - 1;
      break;
  }
  return Math.min(rowCount - 1, Math.max(0, next));
}
