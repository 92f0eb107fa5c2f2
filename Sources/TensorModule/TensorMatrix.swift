import BLASModule

// Matrix views of tensor elements for BLAS calls. The tensor must stay alive while the view is
// used; every caller in this module holds it (a parameter or a value it returns).
extension Tensor {
    /// A read-only row-major matrix view of part of the elements.
    func matrix(offset: Int = 0, rows: Int, columns: Int, rowStride: Int? = nil) -> MatrixView {
        MatrixView(UnsafeBufferPointer(start: storage.pointer, count: count), offset: offset,
                   rows: rows, columns: columns, rowStride: rowStride)
    }

    /// A writable row-major matrix view of part of the elements.
    func mutableMatrix(offset: Int = 0, rows: Int, columns: Int, rowStride: Int? = nil) -> MutableMatrixView {
        MutableMatrixView(UnsafeMutableBufferPointer(start: storage.pointer, count: count), offset: offset,
                          rows: rows, columns: columns, rowStride: rowStride)
    }

    /// The raw element pointer (valid while the tensor is alive).
    var pointer: UnsafeMutablePointer<Float> { storage.pointer }

    /// The tensor seen as a matrix: the first `leadingAxes` axes are rows, the rest columns.
    func splitShape(leadingAxes: Int) -> (rows: Int, columns: Int) {
        (shape[..<leadingAxes].reduce(1, *), shape[leadingAxes...].reduce(1, *))
    }
}
