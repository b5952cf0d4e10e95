/** keytool compatibility mode (the full option set arrives with the keytool-syntax issue). */
export async function runKeytool(argv: string[]): Promise<number> {
  process.stdout.write(`keytool error: java.lang.Exception: ${argv[0]} is not supported by this ktool version yet\n`);
  return 1;
}
