;; The two solves with the master's working basis (BasisLu's ftran and btran), as WebAssembly. They are the same loops
;; as the TypeScript they replace, operation for operation and in the same order, so their results are the same to the
;; bit; compiled by V8 they run about four times faster (no bounds checks on the index arrays, fewer reloads).
;;
;; Every argument after m is the byte offset of an array in this module's memory (BasisLu lays them out): Int32 for
;; pivRow, pivCol, lStart, lIdx, uStart, uIdx, etaStart, etaIdx, etaKind, etaP, memberStart, members; Float64 for the
;; rest. L holds, per pivot k, (row, multiplier) pairs in lStart[k] … lStart[k + 1]; U, per pivot k, (position, value)
;; pairs of its row after the pivot; update operator s holds its entries in etaStart[s] … etaStart[s + 1] and is an
;; exchange of position etaP[s] (etaKind 0, pivot etaG[s]) or I − etaG[s]·y·1ᵀ over members memberStart[s] … (kind 1).
;;
;; Build: npm run build:wasm (writes basis-lu-kernels.wasm.ts beside this file).
(module
  ;; given by the host, which replaces memory and instance together when it needs more room: growing a memory would
  ;; detach its buffer, and after a detach V8 checks every typed array access of the thread again (target-only solves
  ;; on a thread that had grown one took 30 % longer)
  (import "env" "memory" (memory 1))

  ;; out = W⁻¹·v. v, out and w (work) hold m Float64 each; v is left as it was.
  (func (export "ftran")
    (param $m i32) (param $v i32) (param $out i32) (param $w i32)
    (param $pivRow i32) (param $pivCol i32) (param $pivVal i32)
    (param $lStart i32) (param $lIdx i32) (param $lVal i32)
    (param $uStart i32) (param $uIdx i32) (param $uVal i32)
    (param $nEta i32) (param $etaStart i32) (param $etaIdx i32) (param $etaVal i32)
    (param $etaKind i32) (param $etaP i32) (param $etaG i32) (param $memberStart i32) (param $members i32)
    (local $k i32) (local $e i32) (local $end i32) (local $i i32) (local $iend i32) (local $p i32) (local $at i32)
    (local $t f64) (local $s f64)
    (memory.copy (local.get $w) (local.get $v) (i32.shl (local.get $m) (i32.const 3)))
    ;; L, forward: w[lIdx[e]] -= lVal[e] · t for the pivots whose t = w[pivRow[k]] is not 0
    (local.set $k (i32.const 0))
    (block $lDone
      (loop $lNext
        (br_if $lDone (i32.ge_s (local.get $k) (local.get $m)))
        (local.set $t
          (f64.load (i32.add (local.get $w)
            (i32.shl (i32.load (i32.add (local.get $pivRow) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3)))))
        (if (f64.ne (local.get $t) (f64.const 0))
          (then
            (local.set $e (i32.load (i32.add (local.get $lStart) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $end
              (i32.load (i32.add (local.get $lStart) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))))
            (block $eDone
              (loop $eNext
                (br_if $eDone (i32.ge_s (local.get $e) (local.get $end)))
                (local.set $at (i32.add (local.get $w)
                  (i32.shl (i32.load (i32.add (local.get $lIdx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $at)
                  (f64.sub (f64.load (local.get $at))
                    (f64.mul (f64.load (i32.add (local.get $lVal) (i32.shl (local.get $e) (i32.const 3)))) (local.get $t))))
                (local.set $e (i32.add (local.get $e) (i32.const 1)))
                (br $eNext)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $lNext)))
    ;; U, backward: out[pivCol[k]] = (w[pivRow[k]] − Σ uVal[e] · out[uIdx[e]]) / pivVal[k]
    (local.set $k (i32.sub (local.get $m) (i32.const 1)))
    (block $uDone
      (loop $uNext
        (br_if $uDone (i32.lt_s (local.get $k) (i32.const 0)))
        (local.set $s
          (f64.load (i32.add (local.get $w)
            (i32.shl (i32.load (i32.add (local.get $pivRow) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3)))))
        (local.set $e (i32.load (i32.add (local.get $uStart) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $end
          (i32.load (i32.add (local.get $uStart) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))))
        (block $eDone
          (loop $eNext
            (br_if $eDone (i32.ge_s (local.get $e) (local.get $end)))
            (local.set $s
              (f64.sub (local.get $s)
                (f64.mul (f64.load (i32.add (local.get $uVal) (i32.shl (local.get $e) (i32.const 3))))
                  (f64.load (i32.add (local.get $out)
                    (i32.shl (i32.load (i32.add (local.get $uIdx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3)))))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $eNext)))
        (f64.store
          (i32.add (local.get $out)
            (i32.shl (i32.load (i32.add (local.get $pivCol) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3)))
          (f64.div (local.get $s) (f64.load (i32.add (local.get $pivVal) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $uNext)))
    ;; the update operators, oldest first
    (local.set $k (i32.const 0))
    (block $sDone
      (loop $sNext
        (br_if $sDone (i32.ge_s (local.get $k) (local.get $nEta)))
        (local.set $e (i32.load (i32.add (local.get $etaStart) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $end
          (i32.load (i32.add (local.get $etaStart) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))))
        (if (i32.eqz (i32.load (i32.add (local.get $etaKind) (i32.shl (local.get $k) (i32.const 2)))))
          (then
            ;; exchange: vp = out[p] / α_p; out[etaIdx[e]] -= etaVal[e] · vp (unless vp is 0); out[p] = vp
            (local.set $p (i32.load (i32.add (local.get $etaP) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $t
              (f64.div (f64.load (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 3))))
                (f64.load (i32.add (local.get $etaG) (i32.shl (local.get $k) (i32.const 3))))))
            (if (f64.ne (local.get $t) (f64.const 0))
              (then
                (block $eDone
                  (loop $eNext
                    (br_if $eDone (i32.ge_s (local.get $e) (local.get $end)))
                    (local.set $at (i32.add (local.get $out)
                      (i32.shl (i32.load (i32.add (local.get $etaIdx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3))))
                    (f64.store (local.get $at)
                      (f64.sub (f64.load (local.get $at))
                        (f64.mul (f64.load (i32.add (local.get $etaVal) (i32.shl (local.get $e) (i32.const 3))))
                          (local.get $t))))
                    (local.set $e (i32.add (local.get $e) (i32.const 1)))
                    (br $eNext)))))
            (f64.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 3))) (local.get $t)))
          (else
            ;; rank one: f = g · Σ_members out; out[etaIdx[e]] -= f · etaVal[e] (unless f is 0)
            (local.set $s (f64.const 0))
            (local.set $i (i32.load (i32.add (local.get $memberStart) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $iend
              (i32.load (i32.add (local.get $memberStart) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))))
            (block $mDone
              (loop $mNext
                (br_if $mDone (i32.ge_s (local.get $i) (local.get $iend)))
                (local.set $s
                  (f64.add (local.get $s)
                    (f64.load (i32.add (local.get $out)
                      (i32.shl (i32.load (i32.add (local.get $members) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 3))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $mNext)))
            (local.set $t (f64.mul (f64.load (i32.add (local.get $etaG) (i32.shl (local.get $k) (i32.const 3)))) (local.get $s)))
            (if (f64.ne (local.get $t) (f64.const 0))
              (then
                (block $eDone
                  (loop $eNext
                    (br_if $eDone (i32.ge_s (local.get $e) (local.get $end)))
                    (local.set $at (i32.add (local.get $out)
                      (i32.shl (i32.load (i32.add (local.get $etaIdx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3))))
                    (f64.store (local.get $at)
                      (f64.sub (f64.load (local.get $at))
                        (f64.mul (local.get $t)
                          (f64.load (i32.add (local.get $etaVal) (i32.shl (local.get $e) (i32.const 3)))))))
                    (local.set $e (i32.add (local.get $e) (i32.const 1)))
                    (br $eNext)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $sNext))))

  ;; out = cᵀ·W⁻¹. c, out and acc (work) hold m Float64 each; c is left as it was.
  (func (export "btran")
    (param $m i32) (param $c i32) (param $out i32) (param $acc i32)
    (param $pivRow i32) (param $pivCol i32) (param $pivVal i32)
    (param $lStart i32) (param $lIdx i32) (param $lVal i32)
    (param $uStart i32) (param $uIdx i32) (param $uVal i32)
    (param $nEta i32) (param $etaStart i32) (param $etaIdx i32) (param $etaVal i32)
    (param $etaKind i32) (param $etaP i32) (param $etaG i32) (param $memberStart i32) (param $members i32)
    (local $k i32) (local $e i32) (local $end i32) (local $i i32) (local $iend i32) (local $p i32) (local $at i32)
    (local $dot f64) (local $ap f64) (local $z f64) (local $s f64) (local $f f64)
    (memory.copy (local.get $acc) (local.get $c) (i32.shl (local.get $m) (i32.const 3)))
    ;; the update operators, newest first
    (local.set $k (i32.sub (local.get $nEta) (i32.const 1)))
    (block $sDone
      (loop $sNext
        (br_if $sDone (i32.lt_s (local.get $k) (i32.const 0)))
        (local.set $e (i32.load (i32.add (local.get $etaStart) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $end
          (i32.load (i32.add (local.get $etaStart) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))))
        (local.set $dot (f64.const 0))
        (block $eDone
          (loop $eNext
            (br_if $eDone (i32.ge_s (local.get $e) (local.get $end)))
            (local.set $dot
              (f64.add (local.get $dot)
                (f64.mul
                  (f64.load (i32.add (local.get $acc)
                    (i32.shl (i32.load (i32.add (local.get $etaIdx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3))))
                  (f64.load (i32.add (local.get $etaVal) (i32.shl (local.get $e) (i32.const 3)))))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $eNext)))
        (if (i32.eqz (i32.load (i32.add (local.get $etaKind) (i32.shl (local.get $k) (i32.const 2)))))
          (then
            ;; exchange: acc[p] = (acc[p] − (dot − acc[p] · α_p)) / α_p
            (local.set $p (i32.load (i32.add (local.get $etaP) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $ap (f64.load (i32.add (local.get $etaG) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $at (i32.add (local.get $acc) (i32.shl (local.get $p) (i32.const 3))))
            (f64.store (local.get $at)
              (f64.div
                (f64.sub (f64.load (local.get $at))
                  (f64.sub (local.get $dot) (f64.mul (f64.load (local.get $at)) (local.get $ap))))
                (local.get $ap))))
          (else
            ;; rank one: f = g · dot; acc[members] -= f (unless f is 0)
            (local.set $f (f64.mul (f64.load (i32.add (local.get $etaG) (i32.shl (local.get $k) (i32.const 3)))) (local.get $dot)))
            (if (f64.ne (local.get $f) (f64.const 0))
              (then
                (local.set $i (i32.load (i32.add (local.get $memberStart) (i32.shl (local.get $k) (i32.const 2)))))
                (local.set $iend
                  (i32.load
                    (i32.add (local.get $memberStart) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))))
                (block $mDone
                  (loop $mNext
                    (br_if $mDone (i32.ge_s (local.get $i) (local.get $iend)))
                    (local.set $at (i32.add (local.get $acc)
                      (i32.shl (i32.load (i32.add (local.get $members) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 3))))
                    (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (local.get $f)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $mNext)))))))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $sNext)))
    ;; zᵀ·U' = accᵀ, forward over the pivots: z = acc[pivCol[k]] / pivVal[k]; out[pivRow[k]] = z;
    ;; acc[uIdx[e]] -= z · uVal[e] (unless z is 0)
    (local.set $k (i32.const 0))
    (block $uDone
      (loop $uNext
        (br_if $uDone (i32.ge_s (local.get $k) (local.get $m)))
        (local.set $z
          (f64.div
            (f64.load (i32.add (local.get $acc)
              (i32.shl (i32.load (i32.add (local.get $pivCol) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))
            (f64.load (i32.add (local.get $pivVal) (i32.shl (local.get $k) (i32.const 3))))))
        (f64.store
          (i32.add (local.get $out)
            (i32.shl (i32.load (i32.add (local.get $pivRow) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3)))
          (local.get $z))
        (if (f64.ne (local.get $z) (f64.const 0))
          (then
            (local.set $e (i32.load (i32.add (local.get $uStart) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $end
              (i32.load (i32.add (local.get $uStart) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))))
            (block $eDone
              (loop $eNext
                (br_if $eDone (i32.ge_s (local.get $e) (local.get $end)))
                (local.set $at (i32.add (local.get $acc)
                  (i32.shl (i32.load (i32.add (local.get $uIdx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $at)
                  (f64.sub (f64.load (local.get $at))
                    (f64.mul (local.get $z) (f64.load (i32.add (local.get $uVal) (i32.shl (local.get $e) (i32.const 3)))))))
                (local.set $e (i32.add (local.get $e) (i32.const 1)))
                (br $eNext)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $uNext)))
    ;; yᵀ = zᵀ·M, backward over L: out[pivRow[k]] -= Σ out[lIdx[e]] · lVal[e]
    (local.set $k (i32.sub (local.get $m) (i32.const 1)))
    (block $lDone
      (loop $lNext
        (br_if $lDone (i32.lt_s (local.get $k) (i32.const 0)))
        (local.set $s (f64.const 0))
        (local.set $e (i32.load (i32.add (local.get $lStart) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $end
          (i32.load (i32.add (local.get $lStart) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))))
        (block $eDone
          (loop $eNext
            (br_if $eDone (i32.ge_s (local.get $e) (local.get $end)))
            (local.set $s
              (f64.add (local.get $s)
                (f64.mul
                  (f64.load (i32.add (local.get $out)
                    (i32.shl (i32.load (i32.add (local.get $lIdx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3))))
                  (f64.load (i32.add (local.get $lVal) (i32.shl (local.get $e) (i32.const 3)))))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $eNext)))
        (local.set $at (i32.add (local.get $out)
          (i32.shl (i32.load (i32.add (local.get $pivRow) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))
        (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (local.get $s)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $lNext)))))
