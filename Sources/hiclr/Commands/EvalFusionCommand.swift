import ArgumentParser
import Augment
import CounterRandom
import Foundation
import Loader
import Shards
import SkeletonCore
import TensorModule
import Train

struct EvalFusionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fusion", abstract: "Add the softmax scores of several streams' evaluations and report the accuracy.")
    @Argument(help: "Score files written with --scores (e.g. joint, bone and motion runs).") var files: [String]
    @Option(help: "Write the fused scores to this file.") var out: String?

    func validate() throws {
        guard files.count >= 2 else { throw ValidationError("give at least two score files") }
    }

    func run() throws {
        try runReporting {
            var loaded: [(URL, ScoreFile)] = []
            for path in files {
                let url = URL(fileURLWithPath: path)
                let file = try ScoreFile.read(url)
                print("\(path): \(file.attributes["protocol"] ?? "?") \(file.attributes["stream"] ?? "?") \(Accuracy(scores: file.scores, labels: file.labels))")
                loaded.append((url, file))
            }
            let fused = try ScoreFile.fuse(loaded)
            print("fusion of \(files.count): \(Accuracy(scores: fused.scores, labels: fused.labels))")
            if let out { try fused.write(to: URL(fileURLWithPath: out)) }
        }
    }
}
