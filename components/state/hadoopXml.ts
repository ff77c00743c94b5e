/**
 * Hadoop-style configuration files (core-site.xml, hdfs-site.xml, hive-site.xml): a flat list of properties,
 * generated from typed values with every value escaped.
 */

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Escape text for an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/** A `<configuration>` document with one `<property>` per entry, in key order (stable diffs). */
export function hadoopConfigurationXml(properties: Readonly<Record<string, string>>): string {
  const body = Object.keys(properties)
    .sort()
    .map(
      (key) =>
        `  <property>\n    <name>${escapeXml(key)}</name>\n    <value>${escapeXml(properties[key])}</value>\n  </property>`,
    );
  return ['<?xml version="1.0" encoding="UTF-8"?>', "<configuration>", ...body, "</configuration>", ""].join(
    "\n",
  );
}
