import ArgumentParser
import LBReporting

// `--memory-budget 8GiB`: a size with a unit, or a bare number of MiB.
extension MemoryBudget: ExpressibleByArgument {}
