import RawData

/// Where a conversion's samples come from when they are not the files of a raw dataset folder (e.g. a PYSKL
/// annotation file, `hiclr convert pyskl`). The converter preprocesses, shards and reports them as usual.
public protocol ConvertInput {
    /// The work items in output order; their data may be filled in later by `load`.
    func scan() throws -> RawDatasetScan
    /// Fills in the data of one block of items; called on the converting thread, block after block, in order.
    func load(_ block: [RawWorkItem]) throws -> [RawWorkItem]
    /// The manifest's `createdBy`, e.g. "hiclr convert pyskl".
    var createdBy: String { get }
}
