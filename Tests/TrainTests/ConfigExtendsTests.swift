import Foundation
import SkeletonCore
import TestSupport
import Train
import XCTest

/// `extends:` in training configs (docs/configs.md): the paper configs, now a base plus small files, load to
/// exactly what the 32-line copies loaded to; merging is deep; cycles, missing bases and bad inherited values are
/// reported at the file and line that wrote them.
final class ConfigExtendsTests: XCTestCase {
    let before = repository.appendingPathComponent("Tests/TrainTests/Fixtures/paper-configs-before-extends")

    func testPaperConfigsLoadAsBeforeTheyExtendedABase() throws {
        let old = try FileManager.default.contentsOfDirectory(at: before, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
        XCTAssertEqual(old.count, 15)
        for url in old {
            let newPath = repository.appendingPathComponent("configs/" + url.lastPathComponent).path
            let newText = try String(contentsOfFile: newPath, encoding: .utf8)
            XCTAssertTrue(newText.contains("extends: hiclr_paper.yaml"), url.lastPathComponent)
            XCTAssertLessThanOrEqual(newText.split(separator: "\n").count, 10, url.lastPathComponent)
            let expected = try TrainConfig.load(path: url.path)
            let (loaded, text) = try TrainConfig.loadResolved(path: newPath)
            XCTAssertEqual(loaded, expected, url.lastPathComponent)
            // What a run records reads alone (no base next to a checkpoint) and gives the same config.
            XCTAssertFalse(text.contains("extends:"), url.lastPathComponent)
            XCTAssertEqual(try TrainConfig.parse(text, file: "checkpoint [config]"), expected, url.lastPathComponent)
        }
    }

    func testAConfigWithoutExtendsIsRecordedAsWritten() throws {
        let path = repository.appendingPathComponent("configs/fixtures_tiny.yaml").path
        let (_, text) = try TrainConfig.loadResolved(path: path)
        XCTAssertEqual(text, try String(contentsOfFile: path, encoding: .utf8))
    }

    func testChildKeysOverrideDeeplyAndListsAreReplaced() throws {
        let dir = temporaryDirectory("extends")
        try write(dir, "bases/root.yaml", """
            name: root
            shards: data/x
            pipeline: p.yaml
            output: runs/root
            seed: 7
            model: {hidden_dim: 64, dropout: 0.25}
            optimizer: {lr: 0.2, milestones: [10, 20]}
            """)
        try write(dir, "bases/middle.yaml", """
            extends: root.yaml
            model: {dropout: 0.1}
            """)
        let child = try write(dir, "child.yaml", """
            extends: bases/middle.yaml
            name: child
            optimizer:
              milestones: [5]
            """)
        let c = try TrainConfig.load(path: child)
        XCTAssertEqual(c.name, "child")
        XCTAssertEqual(c.seed, 7)
        XCTAssertEqual(c.model.hiddenDim, 64, "kept from the root")
        XCTAssertEqual(c.model.dropout, 0.1, "overridden in the middle")
        XCTAssertEqual(c.optimizer.lr, 0.2, "sibling of an overridden key")
        XCTAssertEqual(c.optimizer.milestones, [5], "a list replaces the base's list")
        XCTAssertEqual(c.model.featureDim, 128, "default where no layer sets it")
    }

    func testCyclesAreRejectedAtTheExtendsLine() throws {
        let dir = temporaryDirectory("extends-cycle")
        try write(dir, "a.yaml", "name: a\nextends: b.yaml\n")
        try write(dir, "b.yaml", "# b\nextends: ./a.yaml\n")
        let a = dir.appendingPathComponent("a.yaml").path
        XCTAssertThrowsError(try TrainConfig.load(path: a)) { e in
            let error = e as? InputError
            XCTAssertEqual(error?.file, dir.appendingPathComponent("b.yaml").path, "\(e)")
            XCTAssertEqual(error?.line, 2, "\(e)")
            XCTAssertTrue("\(e)".contains("extends cycle"), "\(e)")
        }
        let selfLoop = try write(dir, "self.yaml", "extends: self.yaml\n")
        XCTAssertThrowsError(try TrainConfig.load(path: selfLoop)) { e in
            XCTAssertTrue("\(e)".contains("\(selfLoop):1 [extends]: extends cycle"), "\(e)")
        }
    }

    func testMissingBaseAndBadInheritedValuesNameTheirFileAndLine() throws {
        let dir = temporaryDirectory("extends-errors")
        let orphan = try write(dir, "orphan.yaml", "name: x\n\nextends: nowhere.yaml\n")
        XCTAssertThrowsError(try TrainConfig.load(path: orphan)) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(orphan):3 [extends]: cannot read base training config file"), "\(e)")
        }
        let base = try write(dir, "base.yaml", """
            name: b
            shards: s
            pipeline: p.yaml
            output: o
            model:
              dropout: 7
            """)
        let child = try write(dir, "child.yaml", "extends: base.yaml\nname: c\nmodel: {hidden_dim: 32}\n")
        XCTAssertThrowsError(try TrainConfig.load(path: child)) { e in
            XCTAssertEqual((e as? InputError)?.file, base, "\(e)")
            XCTAssertEqual((e as? InputError)?.line, 6, "\(e)")
            XCTAssertEqual((e as? InputError)?.field, "model.dropout", "\(e)")
        }
        // The child's own bad value is reported in the child.
        let typo = try write(dir, "typo.yaml", "extends: base.yaml\nmodel: {dropout: 0.1}\nschedule: {epochz: 3}\n")
        XCTAssertThrowsError(try TrainConfig.load(path: typo)) { e in
            XCTAssertEqual((e as? InputError)?.file, typo, "\(e)")
            XCTAssertEqual((e as? InputError)?.line, 3, "\(e)")
        }
        let notAPath = try write(dir, "list.yaml", "extends: [a, b]\n")
        XCTAssertThrowsError(try TrainConfig.load(path: notAPath)) { e in
            XCTAssertTrue("\(e)".contains("\(notAPath):1 [extends]"), "\(e)")
        }
    }

    /// The merged paper configs pass schemas/train.schema.json as complete files.
    func testMergedPaperConfigsMatchTheSchema() throws {
        let dir = temporaryDirectory("extends-schema")
        var files: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: before.path) where name.hasSuffix(".yaml") {
            let (_, text) = try TrainConfig.loadResolved(path: repository.appendingPathComponent("configs/" + name).path)
            files.append(try write(dir, name, text))
        }
        let (status, output) = try runProcess("/usr/bin/env", [
            "python3", repository.appendingPathComponent("scripts/validate_schema.py").path,
            repository.appendingPathComponent("schemas/train.schema.json").path] + files)
        guard status == 0, let result = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String]]
        else { return XCTFail("schema validation did not run (status \(status)): \(output)") }
        XCTAssertEqual(result.count, 15)
        for (file, errors) in result { XCTAssertEqual(errors, [], file) }
    }

    @discardableResult
    private func write(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
