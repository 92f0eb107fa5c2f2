import Foundation
import HDF5
import XCTest

/// Files we write must be readable by the standard tools: h5dump and h5py.
final class HDF5ToolTests: XCTestCase {
    private func writeSample(_ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("tool.h5").path
        let file = try HDF5File(creating: path)
        try file.setAttribute("layout", .string("C,T,V,M"))
        try file.setAttribute("joint_names", .strings(["base_of_spine", "middle_of_spine"]))
        try file.setAttribute("num_samples", .int64(2))
        let joint = try file.createDataset("joint", type: .float32, shape: [2, 3, 4],
                                           options: HDF5DatasetOptions(chunkShape: [1, 3, 4], deflateLevel: 4,
                                                                       shuffle: true))
        try joint.write((0..<24).map { Float($0) / 4 })
        try file.createDataset("name", type: .string, shape: [2]).write(strings: ["S001", "S002"])
        try file.createDataset("label", type: .int64, shape: [2]).write([Int64]([7, 59]))
        try file.close()
        return path
    }

    func testH5DumpShowsTheDatasetsAndFilters() throws {
        let h5dump = "/usr/bin/h5dump"
        guard FileManager.default.isExecutableFile(atPath: h5dump) else { throw XCTSkip("h5dump not installed") }
        let dir = try makeTemporaryDirectory(self)
        let path = try writeSample(dir)
        let (status, header) = try runProcess(h5dump, ["-H", path])
        XCTAssertEqual(status, 0, header)
        XCTAssertTrue(header.contains("DATASET \"joint\""), header)
        XCTAssertTrue(header.contains("H5T_IEEE_F32LE"), header)
        XCTAssertTrue(header.contains("( 2, 3, 4 )"), header)
        let (propStatus, properties) = try runProcess(h5dump, ["-p", "-H", "-d", "joint", path])
        XCTAssertEqual(propStatus, 0, properties)
        XCTAssertTrue(properties.contains("SHUFFLE"), properties)
        XCTAssertTrue(properties.contains("LEVEL 4"), properties)
    }

    func testH5pyReadsValuesStringsAndAttributes() throws {
        guard let python = findPython() else {
            return XCTFail("python3 not found on PATH: the CI installs python3 with h5py (pip install h5py)")
        }
        let dir = try makeTemporaryDirectory(self)
        let path = try writeSample(dir)
        let script = """
        import sys
        try:
            import h5py
        except ImportError:
            print("h5py is not installed: pip install h5py"); sys.exit(3)
        f = h5py.File(sys.argv[1], "r")
        assert f["joint"].shape == (2, 3, 4), f["joint"].shape
        assert float(f["joint"][1, 2, 3]) == 23 / 4
        assert list(f["label"][:]) == [7, 59]
        assert [s.decode() if isinstance(s, bytes) else s for s in f["name"][:]] == ["S001", "S002"]
        assert f["name"].asstr()[1] == "S002"
        assert f.attrs["layout"] == "C,T,V,M", f.attrs["layout"]
        assert list(f.attrs["joint_names"]) == ["base_of_spine", "middle_of_spine"]
        assert int(f.attrs["num_samples"]) == 2
        print("ok")
        """
        let (status, output) = try runProcess(python, ["-c", script, path])
        XCTAssertNotEqual(status, 3, "h5py is missing: the CI installs it (pip install h5py). \(output)")
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("ok"), output)
    }

    func testFixedLengthStringsWrittenByH5pyAreRead() throws {
        guard let python = findPython() else {
            return XCTFail("python3 not found on PATH: the CI installs python3 with h5py (pip install h5py)")
        }
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("fixed.h5").path
        let script = """
        import sys
        try:
            import h5py, numpy as np
        except ImportError:
            print("h5py is not installed: pip install h5py"); sys.exit(3)
        with h5py.File(sys.argv[1], "w") as f:
            f.create_dataset("names", data=np.array([b"S001", b"", b"S0020304"], dtype="S8"))
            f.attrs["fixed"] = np.bytes_(b"C,T,V,M")
            f.attrs["ints"] = np.array([1, 2, 3], dtype=np.int32)
            f.attrs["f32"] = np.array([0.5, 2], dtype=np.float32)
        """
        let (status, output) = try runProcess(python, ["-c", script, path])
        XCTAssertNotEqual(status, 3, "h5py is missing: the CI installs it (pip install h5py). \(output)")
        XCTAssertEqual(status, 0, output)
        let file = try HDF5File(opening: path)
        XCTAssertEqual(try file.openDataset("names").readStrings(), ["S001", "", "S0020304"])
        XCTAssertEqual(try file.openDataset("names").readStrings(rows: 2..<3), ["S0020304"])
        XCTAssertEqual(try file.stringAttribute("fixed"), "C,T,V,M")
        XCTAssertEqual(try file.int64ArrayAttribute("ints"), [1, 2, 3])
        XCTAssertEqual(try file.floatArrayAttribute("f32"), [0.5, 2])
    }
}
