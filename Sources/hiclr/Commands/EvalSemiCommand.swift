import ArgumentParser
import Augment
import CounterRandom
import Foundation
import Loader
import Shards
import SkeletonCore
import TensorModule
import Train

struct EvalSemiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "semi", abstract: "Semi-supervised: finetune on a class-balanced labelled fraction (1% or 10%).")
    @OptionGroup var source: EvalSource
    @OptionGroup var options: FinetuneOptions
    @Option(help: "Labelled fraction of the training part, e.g. 0.01 or 0.1.") var fraction: Double = 0.1

    func validate() throws {
        guard fraction > 0, fraction <= 1 else { throw ValidationError("--fraction must be in (0, 1]") }
    }

    func run() throws {
        try runReporting { try options.run(source, name: "semi \(fraction)", fraction: fraction) }
    }
}
