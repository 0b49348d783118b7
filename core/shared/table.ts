// Plain-text tables for people (status, deploy, destroy): each column as wide as its widest cell,
// so a long runlevel or release name never shifts the columns after it.

/** The width of each column: its widest cell (code points, as a terminal shows plain text). */
export function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return widths;
}

/** One row, every cell but the last padded to its column; no trailing spaces. */
export function tableRow(cells: readonly string[], widths: readonly number[], gap = ' '): string {
  return cells
    .map((cell, i) =>
      i === cells.length - 1 ? cell : cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length)),
    )
    .join(gap)
    .trimEnd();
}

/** Rows (the header first) as aligned lines. */
export function formatTable(rows: readonly (readonly string[])[], gap = ' '): string[] {
  const widths = columnWidths(rows);
  return rows.map((r) => tableRow(r, widths, gap));
}
