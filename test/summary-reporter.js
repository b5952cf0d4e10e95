/**
 * Prints one closing line after Jest's own summary, in the plain form CI systems read:
 * "tests: N passed, N failed" (", N skipped" when any were skipped).
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    let line = `tests: ${results.numPassedTests} passed, ${failed} failed`;
    if (skipped) line += `, ${skipped} skipped`;
    // Jest writes its summary to stderr; write ours there too, after it, so it is the last line.
    process.stderr.write(`${line}\n`);
  }
}
module.exports = SummaryReporter;
