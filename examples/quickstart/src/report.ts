const colour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);

/** ANSI colours when stdout is a terminal, plain text otherwise (CI logs, pipes). */
export const style = {
  green: paint(32),
  red: paint(31),
  yellow: paint(33),
  cyan: paint(36),
  dim: paint(2),
  bold: paint(1),
};

/** Pads `text` to `width` columns, cutting it with an ellipsis when longer. */
export function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/** Prints rows as an aligned table with a header rule. */
export function table(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(`  ${style.bold(line(header))}`);
  console.log(`  ${style.dim(widths.map((width) => '─'.repeat(width)).join('  '))}`);
  for (const row of rows) console.log(`  ${line(row)}`);
}

/** USD with enough digits to see sub-cent costs. */
export function usd(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return '—';
  return `$${amount.toFixed(6)}`;
}
