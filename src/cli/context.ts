/** What every command handler gets: where to print, and how to report results as text or JSON. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  json(value: unknown): void;
}

export const stdio: Output = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  json: (v) => process.stdout.write(JSON.stringify(v, null, 2) + '\n'),
};
