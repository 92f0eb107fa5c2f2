import CounterRandom
import TensorModule

extension STGCN {
    /// Parameter names and values in the order of the reference's `model.parameters()` (and
    /// `named_parameters()`), which is the order PyTorch's optimiser state is indexed by.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        var list: [(name: String, parameter: Parameter)] = []
        let importance = edgeImportance.enumerated().map { (edgeImportanceName($0.offset), $0.element) }
        if configuration.edgeImportanceNaming == .numbered { list += importance }
        list += [("data_bn.weight", inputNormalization.weight), ("data_bn.bias", inputNormalization.bias)]
        for (index, block) in blocks.enumerated() {
            list += block.namedParameters().map { ("st_gcn_networks.\(index).\($0.0)", $0.1) }
        }
        list += headParameters()
        if configuration.edgeImportanceNaming == .parameterList { list += importance }
        return list
    }

    /// All trainable parameters in `namedParameters()` order.
    public var parameters: [Parameter] { namedParameters().map(\.parameter) }

    /// The model's `state_dict` entries (parameters and buffers) in the reference's order.
    public func stateEntries() -> [StateEntry] {
        var entries: [StateEntry] = []
        let importance = edgeImportance.enumerated().map {
            StateEntry(name: edgeImportanceName($0.offset), tensor: $0.element.value, kind: .parameter)
        }
        if configuration.edgeImportanceNaming == .numbered { entries += importance }
        entries.append(StateEntry(name: "A", tensor: adjacency, kind: .buffer))
        entries += inputNormalization.stateEntries(prefix: "data_bn.")
        for (index, block) in blocks.enumerated() {
            entries += block.stateEntries().map {
                StateEntry(name: "st_gcn_networks.\(index).\($0.name)", tensor: $0.tensor, kind: $0.kind)
            }
        }
        entries += headParameters().map { StateEntry(name: $0.0, tensor: $0.1.value, kind: .parameter) }
        if configuration.edgeImportanceNaming == .parameterList { entries += importance }
        return entries
    }

    /// The buffers only (`A`, running statistics, `num_batches_tracked`), in `state_dict` order.
    public func namedBuffers() -> [StateEntry] {
        stateEntries().filter { $0.kind != .parameter }
    }

    /// Copies values into the model by `state_dict` key (`prefix` is stripped first, e.g.
    /// `"encoder_q."`). Every entry of the model must be present with the right element count;
    /// keys of `values` the model does not have are returned (like PyTorch's unexpected keys).
    @discardableResult
    public func load(state values: [String: Tensor], prefix: String = "") throws -> [String] {
        var unexpected = Set(values.keys.filter { $0.hasPrefix(prefix) })
        for entry in stateEntries() {
            let key = prefix + entry.name
            guard let value = values[key] else { throw STGCNError.state("missing key \(key)") }
            guard value.count == entry.tensor.count else {
                throw STGCNError.state("\(key): shape \(value.shape), model has \(entry.tensor.shape)")
            }
            entry.tensor.assign(value)
            unexpected.remove(key)
        }
        return unexpected.sorted()
    }

    /// Sets every parameter's gradient to zero.
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }

    /// Multiply–adds of one forward pass on `batch` samples of `frames` frames (convolutions,
    /// graph aggregations and the head; taps on zero padding are not counted).
    public func multiplyAdds(batch: Int, frames: Int) -> Int {
        let joints = adjacency.shape[1], subsets = adjacency.shape[0]
        let columns = batch * configuration.bodies * joints
        var total = 0, t = frames
        for block in blocks {
            total += block.multiplyAdds(frames: t, columns: columns, joints: joints, subsets: subsets)
            t = block.temporalConvolution.outputLength(t)
        }
        for layer in [head1, head2].compactMap({ $0 }) { total += batch * layer.inFeatures * layer.outFeatures }
        return total
    }

    func edgeImportanceName(_ index: Int) -> String {
        configuration.edgeImportanceNaming == .numbered ? "edge_importance\(index + 1)" : "edge_importance.\(index)"
    }

    func headParameters() -> [(String, Parameter)] {
        var list: [(String, Parameter)] = []
        func add(_ layer: Linear?, _ name: String) {
            guard let layer else { return }
            list.append(("\(name).weight", layer.weight))
            if let bias = layer.bias { list.append(("\(name).bias", bias)) }
        }
        if head2 == nil {
            add(head1, "fc")
        } else {
            add(head1, "fc.0")
            add(head2, "fc.2")
        }
        return list
    }

    /// The pretraining processor's `weights_init`, drawing parameter `i` (in `namedParameters()`
    /// order) from `key.derived(i)`: conv and linear weights N(0, 0.02), biases 0, batch-norm weights
    /// N(1, 0.02). With `headInitialization == .pytorchDefault` the linear head instead gets PyTorch's
    /// default U(−1/√fan_in, 1/√fan_in) for weight and bias (what the supervised processors, whose
    /// `weights_init` matches only conv and batch-norm modules, leave it with).
    func initializeAsReference(key: RandomKey) {
        var convolutionWeights = Set(blocks.flatMap { $0.convolutions.map { ObjectIdentifier($0.weight) } })
        var linearParameters: [ObjectIdentifier: Int] = [:]
        for layer in [head1, head2].compactMap({ $0 }) {
            guard configuration.headInitialization == .pytorchDefault else {
                convolutionWeights.insert(ObjectIdentifier(layer.weight))
                continue
            }
            linearParameters[ObjectIdentifier(layer.weight)] = layer.inFeatures
            if let bias = layer.bias { linearParameters[ObjectIdentifier(bias)] = layer.inFeatures }
        }
        let normalizationWeights = Set((blocks.flatMap(\.normalizations) + [inputNormalization])
            .map { ObjectIdentifier($0.weight) })
        let importance = Set(edgeImportance.map(ObjectIdentifier.init))
        for (index, entry) in namedParameters().enumerated() {
            let id = ObjectIdentifier(entry.parameter)
            if let fanIn = linearParameters[id] {
                Initialization.pytorchDefault(entry.parameter.value, fanIn: fanIn, key: key.derived(UInt64(index)))
            } else if convolutionWeights.contains(id) {
                Initialization.normal(entry.parameter.value, std: 0.02, key: key.derived(UInt64(index)))
            } else if normalizationWeights.contains(id) {
                Initialization.normal(entry.parameter.value, mean: 1, std: 0.02, key: key.derived(UInt64(index)))
            } else if importance.contains(id) {
                entry.parameter.value.fill(1)
            } else {
                entry.parameter.value.fill(0)    // biases
            }
        }
    }
}
