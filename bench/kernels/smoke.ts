import { emitGemm } from '../../compiler/codegen/cpu/wat/gemm';
import { instantiate, Layout, write, read, values } from '../../test/compiler/codegen/cpu/wat/wat-harness';
(async () => {
  for (const [ta, tb] of [[false,false],[true,false],[false,true],[true,true]]) {
  const M=7,N=10,K=9;
  const L = new Layout(); const A = L.alloc(M*K), B = L.alloc(K*N), C = L.alloc(M*N);
  const f = emitGemm({ name: 'g', m: M, n: N, k: K, aOffset: A.offset, lda: ta?M:K, transposeA: ta, bOffset: B.offset, ldb: tb?K:N, transposeB: tb, cOffset: C.offset, ldc: N, accumulate: false });
  const inst = await instantiate([f], L.bytes);
  const a = values(M*K, 1), b = values(K*N, 2);
  write(inst.f32, A, a); write(inst.f32, B, b);
  inst.runSplit('g', 2);
  const c = read(inst.f32, C);
  let err = 0;
  for (let m=0;m<M;m++) for (let n=0;n<N;n++){ let s=0; for(let k=0;k<K;k++) s+= (ta?a[k*M+m]:a[m*K+k])*(tb?b[n*K+k]:b[k*N+n]); err=Math.max(err,Math.abs(s-c[m*N+n])); }
  console.log(ta, tb, 'maxerr', err);
  }
})().catch(e => { console.error(e); process.exit(1); });
