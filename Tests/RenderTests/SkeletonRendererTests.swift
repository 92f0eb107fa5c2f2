import Foundation
import Render
import SkeletonCore
import TestSupport
import XCTest

/// The PNG contact sheets of `hiclr dump --png`: size from the layout, a skeleton actually drawn, masked joints
/// drawn differently, and a clear error for a path that cannot be written.
final class SkeletonRendererTests: XCTestCase {
    /// A standing figure: joints on a 5 × 5 grid, moving a little over time.
    func clip(frames: Int) -> SkeletonClip {
        var clip = SkeletonClip(frames: frames)
        for t in 0..<frames {
            for v in 0..<25 {
                clip[0, t, v, 0] = 0.1 * Float(v % 5 - 2) + 0.02 * Float(t)
                clip[1, t, v, 0] = 0.3 * Float(v / 5 - 2)
            }
        }
        return clip
    }

    /// Width, height and the fraction of pixels that differ from the top-left pixel, decoded with Python's zlib
    /// (an independent PNG reader: filter types undone row by row).
    func inspect(_ url: URL) throws -> (width: Int, height: Int, drawn: Double) {
        guard let python = findPython() else { throw XCTSkip("python3 not found") }
        let script = """
        import sys, struct, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos, idat = 8, b''
        while pos < len(data):
            n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
            if kind == b'IHDR': w, h, depth, color = struct.unpack('>IIBB', body[:10])
            if kind == b'IDAT': idat += body
        bpp = {6: 4, 2: 3}[color]; raw = zlib.decompress(idat); stride = w * bpp; rows = []; prev = bytearray(stride)
        for y in range(h):
            f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
                if f == 1: line[i] = (line[i] + a) & 255
                elif f == 2: line[i] = (line[i] + b) & 255
                elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(bytes(line)); prev = line
        bg = rows[0][:bpp]
        drawn = sum(1 for r in rows for x in range(w) if r[x * bpp:(x + 1) * bpp] != bg)
        print(w, h, drawn / (w * h))
        """
        let (status, output) = try runProcess(python, ["-c", script, url.path])
        XCTAssertEqual(status, 0, output)
        let parts = output.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        return (Int(parts[0]) ?? -1, Int(parts[1]) ?? -1, Double(parts[2]) ?? -1)
    }

    func testSheetSizeFollowsTheLayoutAndSkeletonsAreDrawn() throws {
        let dir = try makeTemporaryDirectory(self, tag: "render")
        let url = dir.appendingPathComponent("sheet.png")
        let renderer = SkeletonRenderer()
        try renderer.renderPNG(rows: [("q", clip(frames: 3), nil), ("k", clip(frames: 3), nil)], frames: 3, to: url)
        let sheet = try inspect(url)
        XCTAssertEqual(sheet.width, renderer.labelWidth + 3 * renderer.cellWidth)
        XCTAssertEqual(sheet.height, 2 * renderer.cellHeight + 20)
        XCTAssertGreaterThan(sheet.drawn, 0.005, "no skeleton drawn")
        XCTAssertLessThan(sheet.drawn, 0.5, "the background is not plain")

        let empty = dir.appendingPathComponent("empty.png")
        try renderer.renderPNG(rows: [("q", SkeletonClip(frames: 3), nil), ("k", SkeletonClip(frames: 3), nil)],
                               frames: 3, to: empty)
        XCTAssertLessThan(try inspect(empty).drawn, sheet.drawn, "an all-zero clip draws less than a skeleton")
    }

    func testMaskedJointsChangeThePicture() throws {
        let dir = try makeTemporaryDirectory(self, tag: "render")
        let plain = dir.appendingPathComponent("plain.png"), masked = dir.appendingPathComponent("masked.png")
        let c = clip(frames: 2)
        try SkeletonRenderer().renderPNG(rows: [("q2", c, nil)], frames: 2, to: plain)
        var mask = [Bool](repeating: false, count: 2 * 25)
        for v in 0..<12 { mask[v] = true; mask[25 + v] = true }
        try SkeletonRenderer().renderPNG(rows: [("q2", c, mask)], frames: 2, to: masked)
        XCTAssertNotEqual(try Data(contentsOf: plain), try Data(contentsOf: masked))
    }

    func testUnwritablePathNamesTheFile() {
        let url = URL(fileURLWithPath: "/nonexistent-folder-\(UUID().uuidString)/sheet.png")
        XCTAssertThrowsError(try SkeletonRenderer().renderPNG(rows: [("q", clip(frames: 1), nil)], frames: 1, to: url)) {
            XCTAssertTrue("\($0)".contains(url.path), "\($0)")
        }
    }
}
