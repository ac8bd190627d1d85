import ArgumentParser
import LBHarness
import LBReporting

// `--format` takes the one format enum of every report, spelled by its raw values (so `--help`
// lists them).
extension OutputFormat: ExpressibleByArgument {}
// `--matrix` likewise takes the harness's named matrices.
extension NamedMatrix: ExpressibleByArgument {}
