import ArgumentParser
import LBCheck
import LBHarness

// `--format` takes the libraries' own format enums, spelled by their raw values (so `--help`
// lists them), rather than command-line copies of them.
extension ReportFormat: ExpressibleByArgument {}
extension CheckReportFormat: ExpressibleByArgument {}
extension ComparisonFormat: ExpressibleByArgument {}
// `--matrix` likewise takes the harness's named matrices.
extension NamedMatrix: ExpressibleByArgument {}
