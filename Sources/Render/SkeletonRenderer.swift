import CCairo
import Foundation
import SkeletonCore

/// A rendering failure (Cairo could not make the surface or write the file).
public struct RenderError: Error, CustomStringConvertible {
    public var description: String
}

/// One row of a contact sheet: a label, a clip and its optional (T × 25) frame-major joint mask (true = hidden).
public typealias RenderRow = (label: String, clip: SkeletonClip, mask: [Bool]?)

/// Draws skeleton clips as a PNG contact sheet: one row per clip (e.g. one per augmented view), `frames` evenly
/// spaced frames per row, the x–y projection of the bones (SkeletonLayout.boneParents; y up), body 1 in blue,
/// body 2 in orange, joints hidden by a mask ringed in red (their bones left out), the row's label on the left.
/// Every row shares one scale so views can be compared.
public struct SkeletonRenderer {
    /// Cell width and height in pixels.
    public var cellWidth = 120
    public var cellHeight = 150
    /// Width of the label column.
    public var labelWidth = 90

    public init() {}

    /// Renders `rows` to a PNG at `url`.
    public func renderPNG(rows: [RenderRow], frames: Int, to url: URL) throws {
        let columns = max(frames, 1)
        let width = labelWidth + columns * cellWidth
        let height = max(rows.count, 1) * cellHeight + 20
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw RenderError(description: "\(url.path): cannot create a \(width)×\(height) Cairo surface")
        }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else {
            throw RenderError(description: "\(url.path): cannot create a Cairo context")
        }
        defer { cairo_destroy(cr) }

        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)

        let box = Self.bounds(rows)
        let margin = 10.0
        let header = 24.0
        let drawHeight = Double(cellHeight) - header - 2 * margin
        let scale = min((Double(cellWidth) - 2 * margin) / box.width, drawHeight / box.height)
        for (r, row) in rows.enumerated() {
            let top = Double(r * cellHeight) + 20
            if r > 0 {
                cairo_set_source_rgb(cr, 0.85, 0.85, 0.85)
                cairo_set_line_width(cr, 1)
                cairo_move_to(cr, 0, top)
                cairo_line_to(cr, Double(width), top)
                cairo_stroke(cr)
            }
            text(cr, row.label, x: 8, y: top + Double(cellHeight) / 2, size: 14, bold: true, gray: 0.1)
            let clip = row.clip
            guard clip.frames > 0 else { continue }
            for column in 0..<columns {
                let t = columns == 1 ? 0
                    : Int((Double(column) * Double(clip.frames - 1) / Double(columns - 1)).rounded())
                let left = Double(labelWidth + column * cellWidth)
                text(cr, "t=\(t)", x: left + 4, y: top + 12, size: 10, bold: false, gray: 0.45)
                // Maps a joint to the cell: centred on the shared box, y up.
                func point(_ x: Float, _ y: Float) -> (Double, Double) {
                    (left + Double(cellWidth) / 2 + (Double(x) - box.midX) * scale,
                     top + header + margin + drawHeight / 2 - (Double(y) - box.midY) * scale)
                }
                func hidden(_ v: Int) -> Bool {
                    guard let mask = row.mask, mask.count >= clip.frames * SkeletonLayout.joints else { return false }
                    return mask[t * SkeletonLayout.joints + v]
                }
                for m in 0..<SkeletonLayout.bodies where !clip.isEmpty(frame: t, body: m) {
                    if m == 0 { cairo_set_source_rgb(cr, 0.12, 0.35, 0.75) } else { cairo_set_source_rgb(cr, 0.95, 0.5, 0.1) }
                    cairo_set_line_width(cr, 2)
                    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
                    for (v, parent) in SkeletonLayout.boneParents.enumerated()
                    where v != parent && !hidden(v) && !hidden(parent) {
                        let a = point(clip[0, t, v, m], clip[1, t, v, m])
                        let b = point(clip[0, t, parent, m], clip[1, t, parent, m])
                        cairo_move_to(cr, a.0, a.1)
                        cairo_line_to(cr, b.0, b.1)
                    }
                    cairo_stroke(cr)
                    for v in 0..<SkeletonLayout.joints where !hidden(v) {
                        let p = point(clip[0, t, v, m], clip[1, t, v, m])
                        cairo_new_sub_path(cr)
                        cairo_arc(cr, p.0, p.1, 1.8, 0, 2 * Double.pi)
                        cairo_fill(cr)
                    }
                    // Hidden joints: a red ring where the data now puts them (the fill value).
                    cairo_save(cr)
                    cairo_set_source_rgb(cr, 0.85, 0.1, 0.1)
                    cairo_set_line_width(cr, 1.5)
                    for v in 0..<SkeletonLayout.joints where hidden(v) {
                        let p = point(clip[0, t, v, m], clip[1, t, v, m])
                        cairo_new_sub_path(cr)
                        cairo_arc(cr, p.0, p.1, 4, 0, 2 * Double.pi)
                    }
                    cairo_stroke(cr)
                    cairo_restore(cr)
                }
            }
        }
        cairo_surface_flush(surface)
        let status = cairo_surface_write_to_png(surface, url.path)
        guard status == CAIRO_STATUS_SUCCESS else {
            let reason = cairo_status_to_string(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
            throw RenderError(description: "\(url.path): cannot write PNG: \(reason)")
        }
    }

    private func text(_ cr: OpaquePointer, _ string: String, x: Double, y: Double, size: Double, bold: Bool,
                      gray: Double) {
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        cairo_set_source_rgb(cr, gray, gray, gray)
        cairo_move_to(cr, x, y)
        cairo_show_text(cr, string)
    }

    /// The x–y box of every shown joint (present bodies, not hidden) of every row; width and height at least 1e-3.
    static func bounds(_ rows: [RenderRow]) -> (midX: Double, midY: Double, width: Double, height: Double) {
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for row in rows {
            let clip = row.clip
            let mask = row.mask.flatMap { $0.count >= clip.frames * SkeletonLayout.joints ? $0 : nil }
            for t in 0..<clip.frames {
                for m in 0..<SkeletonLayout.bodies where !clip.isEmpty(frame: t, body: m) {
                    for v in 0..<SkeletonLayout.joints {
                        if let mask, mask[t * SkeletonLayout.joints + v] { continue }
                        let x = Double(clip[0, t, v, m]), y = Double(clip[1, t, v, m])
                        guard x.isFinite, y.isFinite else { continue }
                        minX = min(minX, x); maxX = max(maxX, x)
                        minY = min(minY, y); maxY = max(maxY, y)
                    }
                }
            }
        }
        guard minX <= maxX, minY <= maxY else { return (0, 0, 1, 1) }
        return ((minX + maxX) / 2, (minY + maxY) / 2, max(maxX - minX, 1e-3), max(maxY - minY, 1e-3))
    }
}

/// Renders `rows` with the default `SkeletonRenderer` (see there).
public func renderPNG(rows: [RenderRow], frames: Int, to url: URL) throws {
    try SkeletonRenderer().renderPNG(rows: rows, frames: frames, to: url)
}
