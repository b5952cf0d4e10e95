/**
 * YAML with every scalar double-quoted (the yaml package does the escaping): YAML 1.1 readers such as
 * SnakeYAML turn plain `yes`, `0777`, `1:20`, `~` or `p #c` into booleans, numbers, null or a cut
 * string, and OX then calls toString() on what it got. Keys stay plain unless they need quoting.
 */
import { Document } from 'yaml';

export function renderYaml(value: Record<string, unknown>, indent = 2): string {
  const doc = new Document(value);
  return doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', indent, lineWidth: 0 });
}
