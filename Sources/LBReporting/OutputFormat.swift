/// The formats every report can be asked for with `--format`; a report that has no form in
/// one of them says so before any work starts (`lbbench check --format csv`).
package enum OutputFormat: String, CaseIterable, Sendable {
    /// For people: the context, then tables (GitHub Markdown).
    case markdown
    /// The report's documented JSON contract (docs/formats.md).
    case json
    /// One row per result, context in leading `#` lines.
    case csv
}
