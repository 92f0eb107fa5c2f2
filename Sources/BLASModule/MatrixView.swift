/// A read-only row-major matrix inside a `Float` buffer: element `(i, j)` is at
/// `offset + i * rowStride + j`.
public struct MatrixView {
    /// First element of the matrix.
    public let base: UnsafePointer<Float>
    public let rows: Int
    public let columns: Int
    /// Distance between the starts of consecutive rows (the BLAS "leading dimension").
    public let rowStride: Int

    /// Makes a view, checking that every element lies inside `buffer`.
    public init(_ buffer: UnsafeBufferPointer<Float>, offset: Int = 0, rows: Int, columns: Int,
                rowStride: Int? = nil) {
        let stride = rowStride ?? columns
        checkMatrixBounds(count: buffer.count, offset: offset, rows: rows, columns: columns, rowStride: stride)
        // A zero-size matrix may sit at the end of (or in) an empty buffer; BLAS never reads it.
        self.base = buffer.baseAddress.map { $0 + offset } ?? UnsafePointer(bitPattern: 4)!
        self.rows = rows
        self.columns = columns
        self.rowStride = stride
    }

    private init(base: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int) {
        self.base = base
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride
    }

    /// The shape after an optional transpose.
    public func shape(_ transpose: BLAS.Transpose) -> (rows: Int, columns: Int) {
        transpose == .none ? (rows, columns) : (columns, rows)
    }

    /// The sub-matrix made of some of the rows.
    public func rows(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) of \(rows)")
        return MatrixView(base: base + range.lowerBound * rowStride, rows: range.count, columns: columns,
                          rowStride: rowStride)
    }

    /// The sub-matrix made of some of the columns.
    public func columns(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns, "columns \(range) of \(columns)")
        return MatrixView(base: base + range.lowerBound, rows: rows, columns: range.count, rowStride: rowStride)
    }
}

/// A writable row-major matrix inside a `Float` buffer: element `(i, j)` is at
/// `offset + i * rowStride + j`.
public struct MutableMatrixView {
    /// First element of the matrix.
    public let base: UnsafeMutablePointer<Float>
    public let rows: Int
    public let columns: Int
    /// Distance between the starts of consecutive rows (the BLAS "leading dimension").
    public let rowStride: Int

    /// Makes a view, checking that every element lies inside `buffer`.
    public init(_ buffer: UnsafeMutableBufferPointer<Float>, offset: Int = 0, rows: Int, columns: Int,
                rowStride: Int? = nil) {
        let stride = rowStride ?? columns
        checkMatrixBounds(count: buffer.count, offset: offset, rows: rows, columns: columns, rowStride: stride)
        self.base = buffer.baseAddress.map { $0 + offset } ?? UnsafeMutablePointer(bitPattern: 4)!
        self.rows = rows
        self.columns = columns
        self.rowStride = stride
    }

    private init(base: UnsafeMutablePointer<Float>, rows: Int, columns: Int, rowStride: Int) {
        self.base = base
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride
    }

    /// The sub-matrix made of some of the rows.
    public func rows(_ range: Range<Int>) -> MutableMatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) of \(rows)")
        return MutableMatrixView(base: base + range.lowerBound * rowStride, rows: range.count, columns: columns,
                                 rowStride: rowStride)
    }

    /// The sub-matrix made of some of the columns.
    public func columns(_ range: Range<Int>) -> MutableMatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns, "columns \(range) of \(columns)")
        return MutableMatrixView(base: base + range.lowerBound, rows: rows, columns: range.count, rowStride: rowStride)
    }
}

private func checkMatrixBounds(count: Int, offset: Int, rows: Int, columns: Int, rowStride: Int) {
    precondition(rows >= 0 && columns >= 0 && offset >= 0, "negative matrix dimension or offset")
    precondition(rowStride >= max(columns, 1), "row stride \(rowStride) smaller than \(columns) columns")
    if rows == 0 || columns == 0 { return }
    let last = offset + (rows - 1) * rowStride + columns
    precondition(last <= count, "matrix \(rows)x\(columns) (stride \(rowStride)) at offset \(offset) "
        + "overruns a buffer of \(count) elements")
}
