import LBSimulation

extension LiveReport {
    /// The schema name of `json()`'s document; documented in `docs/live.md`.
    public static let schema = "lbbench.live/1"

    /// The report as `lbbench.live/1`: `machine`, `farm`, `rows`, `findings`, `notes`, `seconds`.
    /// Times are in seconds unless a field's name says units.
    ///
    /// - Complexity: O(rows × backends).
    package func json() -> JSONValue {
        let machine: [String: JSONValue] = [
            "cpu": .string(self.machine.cpu), "cores": .int(self.machine.cores), "os": .string(self.machine.os),
            "swift": .string(self.machine.swift), "build": .string(self.machine.build), "date": .string(self.machine.date),
        ]
        var traffic: [String: JSONValue]
        switch configuration.traffic {
        case let .open(utilization):
            traffic = ["kind": .string("open"), "utilization": .number(utilization), "arrivalRate": .number(configuration.arrivalRate)]
        case let .closed(population, thinkTime):
            traffic = ["kind": .string("closed"), "population": .int(population), "thinkTime": .number(thinkTime)]
        }
        let farm: [String: JSONValue] = [
            "weights": .array(configuration.weights.map(JSONValue.int)),
            "capacity": .string(configuration.capacity.description),
            "sizes": .string(configuration.workload.rawValue),
            "unitSeconds": .number(configuration.unit),
            "traffic": .object(traffic),
            "warmupSeconds": .number(configuration.warmup),
            "durationSeconds": .number(configuration.duration),
            "drainSeconds": .number(configuration.drain),
            "seed": .unsigned(configuration.seed),
            "proxyThreads": .int(configuration.proxyThreads),
        ]
        let findings = LiveFindings(rows)
        return .object([
            "schema": .string(Self.schema),
            "machine": .object(machine),
            "farm": .object(farm),
            "rows": .array(rows.map(\.json)),
            "findings": .object([
                "shortP99": .array(findings.shortP99.map {
                    .object(["balancer": .string($0.balancer), "leastConnections": .number($0.leastConnections), "roundRobin": .number($0.roundRobin)])
                }),
                "busiestRatioVersusHAProxy": .number(findings.busiestRatioVersusHAProxy),
            ]),
            "notes": .array(notes.map(JSONValue.string)),
            "seconds": .number(seconds),
        ])
    }
}

extension LiveRowResult {
    var json: JSONValue {
        .object([
            "balancer": .string(balancer),
            "algorithm": .string(algorithm),
            "family": .string(family.rawValue),
            "requestsPerSecond": .number(requestsPerSecond),
            "short": short.map(\.json) ?? .null,
            "long": long.map(\.json) ?? .null,
            "meanResponseUnits": .number(meanResponseUnits),
            "perBackend": .object([
                "requests": .array(backendRequests.map(JSONValue.int)),
                "meanInFlight": .array(backendMeanInFlight.map(JSONValue.number)),
                "maxInFlight": .array(backendMaximumInFlight.map(JSONValue.int)),
            ]),
            "busiestOverAverageInFlight": .number(busiestOverAverage),
            "proxyCPUSeconds": .number(proxyCPUSeconds),
            "proxyCPUShare": .number(proxyCPUShare),
            "sent": .int(sent),
            "errors": .int(errors),
            "unfinished": .int(unfinished),
            "generatorMaxLagSeconds": .number(generatorMaximumLag),
            "prediction": prediction.map {
                .object([
                    "router": .string($0.router), "meanResponseUnits": .number($0.meanResponse),
                    "p50Units": .number($0.p50), "p90Units": .number($0.p90), "p99Units": .number($0.p99),
                    "shortUnits": $0.short.map(\.json) ?? .null, "longUnits": $0.long.map(\.json) ?? .null,
                ])
            } ?? .null,
        ])
    }
}

extension LatencySummary {
    var json: JSONValue {
        .object([
            "count": .int(count), "mean": .number(mean), "p50": .number(p50), "p90": .number(p90), "p99": .number(p99),
            "max": .number(maximum),
        ])
    }
}

extension SimulationResult.SizeClassResponse {
    var json: JSONValue {
        .object(["count": .int(count), "mean": .number(mean), "p50": .number(p50), "p90": .number(p90), "p99": .number(p99)])
    }
}
