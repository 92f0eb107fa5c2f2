import CBLAS

extension BLAS {
    /// Number of threads OpenBLAS uses inside one call.
    ///
    /// Reading calls `openblas_get_num_threads`; setting calls `openblas_set_num_threads`.
    /// Set it once at start-up (before work runs on other threads): OpenBLAS keeps one global
    /// thread pool, so this is process-wide.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }
}
