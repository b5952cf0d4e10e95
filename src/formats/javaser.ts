/**
 * Just enough Java Object Serialization (protocol version 5) for JCEKS secret-key entries.
 *
 * Reading is generic: a JCEKS tag-3 entry is a whole serialization stream with no length prefix, so
 * the only way to find where it ends is to walk the grammar. The reader builds a small value tree
 * (objects with per-class field values, strings, arrays, enums) and resolves back-references.
 * Writing covers the three shapes the JDK writes for keys: SealedObjectForKeyProtector around a
 * serialized SecretKeySpec or KeyRep, laid out handle for handle as ObjectOutputStream does.
 */
import { KtoolError, corrupt } from '../model/errors';
import { ByteReader, ByteWriter, decodeModifiedUtf8, encodeModifiedUtf8 } from '../util/bytes';

const STREAM_MAGIC = 0xaced;
const STREAM_VERSION = 5;
const BASE_HANDLE = 0x7e0000;

const TC = {
  NULL: 0x70,
  REFERENCE: 0x71,
  CLASSDESC: 0x72,
  OBJECT: 0x73,
  STRING: 0x74,
  ARRAY: 0x75,
  CLASS: 0x76,
  BLOCKDATA: 0x77,
  ENDBLOCKDATA: 0x78,
  RESET: 0x79,
  BLOCKDATALONG: 0x7a,
  EXCEPTION: 0x7b,
  LONGSTRING: 0x7c,
  PROXYCLASSDESC: 0x7d,
  ENUM: 0x7e,
} as const;

export const SC = { WRITE_METHOD: 0x01, SERIALIZABLE: 0x02, EXTERNALIZABLE: 0x04, BLOCK_DATA: 0x08, ENUM: 0x10 } as const;

/** Nesting bound: keys are 3 levels deep; anything near this is hostile. */
const MAX_DEPTH = 64;

const PRIMITIVE_SIZE: Record<string, number> = { B: 1, C: 2, D: 8, F: 4, I: 4, J: 8, S: 2, Z: 1 };

export interface FieldDesc {
  /** Java type code: B C D F I J S Z, or '[' / 'L' for references. */
  readonly typeCode: string;
  readonly name: string;
  /** JVM signature of a reference field, e.g. "[B" or "Ljava/lang/String;". */
  readonly signature?: string;
}

export interface ClassDesc {
  readonly kind: 'classDesc';
  readonly name: string;
  readonly suid: bigint;
  readonly flags: number;
  readonly fields: readonly FieldDesc[];
  superDesc: ClassDesc | null;
  /** Set for proxy class descriptors. */
  readonly proxyInterfaces?: readonly string[];
}

export interface JavaString {
  readonly kind: 'string';
  readonly value: string;
}
export interface JavaEnum {
  readonly kind: 'enum';
  readonly desc: ClassDesc;
  name: string;
}
export interface JavaArray {
  readonly kind: 'array';
  readonly desc: ClassDesc;
  readonly length: number;
  /** Primitive arrays: the raw big-endian element bytes. */
  primitive?: Uint8Array;
  /** Reference arrays. */
  elements?: JavaValue[];
}
export interface ClassData {
  readonly desc: ClassDesc;
  /** Primitive fields as raw bytes, reference fields as values. */
  readonly values: Map<string, JavaValue | Uint8Array>;
  /** Block data and objects written by writeObject / writeExternal. */
  readonly annotations: (JavaValue | Uint8Array)[];
}
export interface JavaObject {
  readonly kind: 'object';
  readonly desc: ClassDesc;
  /** One per serializable class, topmost superclass first. */
  readonly classData: ClassData[];
}
export interface JavaClass {
  readonly kind: 'class';
  readonly desc: ClassDesc;
}

export type JavaValue = null | JavaString | JavaEnum | JavaArray | JavaObject | JavaClass | ClassDesc;

class StreamReader {
  /** undefined marks a handle taken by an object still being read. */
  private handles: (JavaValue | undefined)[] = [];
  private depth = 0;
  constructor(private readonly r: ByteReader) {}

  private newHandle(v: JavaValue | undefined): number {
    this.handles.push(v);
    return this.handles.length - 1;
  }
  private setHandle(h: number, v: JavaValue): void {
    this.handles[h] = v;
  }

  readHeader(): void {
    if (this.r.u16() !== STREAM_MAGIC) throw corrupt('serialized object: bad stream magic');
    if (this.r.u16() !== STREAM_VERSION) throw corrupt('serialized object: unsupported stream version');
  }

  /** One top-level object, as ObjectInputStream.readObject() would consume it. */
  readObject(): JavaValue {
    for (;;) {
      const tc = this.peek();
      if (tc === TC.RESET) {
        this.r.u8();
        this.handles = [];
        continue;
      }
      if (tc === TC.BLOCKDATA || tc === TC.BLOCKDATALONG || tc === TC.ENDBLOCKDATA) throw corrupt('serialized object: block data where an object was expected');
      return this.readContent();
    }
  }

  private peek(): number {
    if (this.r.remaining < 1) throw corrupt('serialized object is truncated');
    return this.r.buf[this.r.offset];
  }

  private readContent(): JavaValue {
    if (++this.depth > MAX_DEPTH) throw corrupt('serialized object nested too deeply');
    try {
      const tc = this.r.u8();
      switch (tc) {
        case TC.NULL:
          return null;
        case TC.REFERENCE:
          return this.readReference();
        case TC.CLASSDESC:
        case TC.PROXYCLASSDESC:
          return this.readClassDescBody(tc);
        case TC.OBJECT:
          return this.readNewObject();
        case TC.STRING:
        case TC.LONGSTRING:
          return this.readStringBody(tc);
        case TC.ARRAY:
          return this.readNewArray();
        case TC.CLASS: {
          const desc = this.readClassDesc();
          if (!desc) throw corrupt('serialized object: class without descriptor');
          const v: JavaClass = { kind: 'class', desc };
          this.newHandle(v);
          return v;
        }
        case TC.ENUM:
          return this.readNewEnum();
        case TC.RESET:
          this.handles = [];
          return this.readContent();
        case TC.EXCEPTION:
          throw corrupt('serialized object contains a writer exception');
        default:
          throw corrupt(`serialized object: unknown type code 0x${tc.toString(16)}`);
      }
    } finally {
      this.depth--;
    }
  }

  private readReference(): JavaValue {
    const h = this.r.u32() - BASE_HANDLE;
    const v = h >= 0 && h < this.handles.length ? this.handles[h] : undefined;
    if (v === undefined) throw corrupt('serialized object: reference to an unknown handle');
    return v;
  }

  private readStringBody(tc: number): JavaString {
    let len: number;
    if (tc === TC.STRING) len = this.r.u16();
    else {
      const l = this.r.u64();
      if (l > BigInt(this.r.remaining)) throw corrupt('serialized object: string runs past the end');
      len = Number(l);
    }
    const v: JavaString = { kind: 'string', value: decodeModifiedUtf8(this.r.bytes(len)) };
    this.newHandle(v);
    return v;
  }

  /** classDesc: a new descriptor, a reference to one, or null. */
  private readClassDesc(): ClassDesc | null {
    const tc = this.r.u8();
    if (tc === TC.NULL) return null;
    if (tc === TC.CLASSDESC || tc === TC.PROXYCLASSDESC) return this.readClassDescBody(tc);
    if (tc === TC.REFERENCE) {
      const v = this.readReference();
      if (!v || v.kind !== 'classDesc') throw corrupt('serialized object: reference is not a class descriptor');
      return v;
    }
    throw corrupt(`serialized object: expected a class descriptor, found 0x${tc.toString(16)}`);
  }

  private readClassDescBody(tc: number): ClassDesc {
    if (++this.depth > MAX_DEPTH) throw corrupt('serialized object nested too deeply');
    try {
      if (tc === TC.PROXYCLASSDESC) {
        const h = this.newHandle(undefined);
        const n = this.r.u32();
        // Each interface name takes at least its 2-byte length.
        if (n > this.r.remaining / 2) throw corrupt('serialized object: proxy interface count runs past the end');
        const ifaces: string[] = [];
        for (let i = 0; i < n; i++) ifaces.push(this.r.utf());
        const desc: ClassDesc = { kind: 'classDesc', name: '', suid: 0n, flags: SC.SERIALIZABLE, fields: [], superDesc: null, proxyInterfaces: ifaces };
        this.setHandle(h, desc);
        this.skipAnnotation();
        desc.superDesc = this.readClassDesc();
        return desc;
      }
      const name = this.r.utf();
      const suid = this.r.u64();
      const h = this.newHandle(undefined);
      const flags = this.r.u8();
      const count = this.r.u16();
      // Each field descriptor takes at least 3 bytes (type code and name length).
      if (count * 3 > this.r.remaining) throw corrupt('serialized object: field count runs past the end');
      const fields: FieldDesc[] = [];
      for (let i = 0; i < count; i++) {
        const typeCode = String.fromCharCode(this.r.u8());
        const fname = this.r.utf();
        if (typeCode === '[' || typeCode === 'L') {
          const sig = this.readContent();
          if (!sig || sig.kind !== 'string') throw corrupt('serialized object: field type is not a string');
          fields.push({ typeCode, name: fname, signature: sig.value });
        } else if (PRIMITIVE_SIZE[typeCode] !== undefined) {
          fields.push({ typeCode, name: fname });
        } else {
          throw corrupt(`serialized object: unknown field type code ${JSON.stringify(typeCode)}`);
        }
      }
      const desc: ClassDesc = { kind: 'classDesc', name, suid, flags, fields, superDesc: null };
      // The handle is taken before the fields are read; fill it in now that the descriptor exists.
      this.setHandle(h, desc);
      this.skipAnnotation();
      desc.superDesc = this.readClassDesc();
      return desc;
    } finally {
      this.depth--;
    }
  }

  /** Contents up to TC_ENDBLOCKDATA (class or object annotations). */
  private readAnnotation(): (JavaValue | Uint8Array)[] {
    const out: (JavaValue | Uint8Array)[] = [];
    for (;;) {
      const tc = this.peek();
      if (tc === TC.ENDBLOCKDATA) {
        this.r.u8();
        return out;
      }
      if (tc === TC.BLOCKDATA) {
        this.r.u8();
        out.push(this.r.bytes(this.r.u8()));
      } else if (tc === TC.BLOCKDATALONG) {
        this.r.u8();
        const n = this.r.u32();
        out.push(this.r.bytes(n));
      } else {
        out.push(this.readContent());
      }
    }
  }
  private skipAnnotation(): void {
    this.readAnnotation();
  }

  private hierarchy(desc: ClassDesc): ClassDesc[] {
    const chain: ClassDesc[] = [];
    for (let d: ClassDesc | null = desc; d; d = d.superDesc) {
      if (chain.length >= MAX_DEPTH || chain.includes(d)) throw corrupt('serialized object: class hierarchy too deep or circular');
      chain.push(d);
    }
    return chain.reverse();
  }

  private readNewObject(): JavaObject {
    const desc = this.readClassDesc();
    if (!desc) throw corrupt('serialized object: object without class descriptor');
    const obj: JavaObject = { kind: 'object', desc, classData: [] };
    this.newHandle(obj);
    for (const d of this.hierarchy(desc)) {
      const values = new Map<string, JavaValue | Uint8Array>();
      let annotations: (JavaValue | Uint8Array)[] = [];
      if (d.flags & SC.EXTERNALIZABLE) {
        // Protocol 1 externalizable data has no framing at all and cannot be skipped.
        if (!(d.flags & SC.BLOCK_DATA)) throw corrupt('serialized object: externalizable data without block framing');
        annotations = this.readAnnotation();
      } else if (d.flags & SC.SERIALIZABLE) {
        for (const f of d.fields) {
          const size = PRIMITIVE_SIZE[f.typeCode];
          values.set(f.name, size !== undefined ? this.r.bytes(size) : this.readContent());
        }
        if (d.flags & SC.WRITE_METHOD) annotations = this.readAnnotation();
      }
      obj.classData.push({ desc: d, values, annotations });
    }
    return obj;
  }

  private readNewArray(): JavaArray {
    const desc = this.readClassDesc();
    if (!desc) throw corrupt('serialized object: array without class descriptor');
    if (!desc.name.startsWith('[') || desc.name.length < 2) throw corrupt('serialized object: array class name is not an array type');
    const h = this.newHandle(undefined);
    const length = this.r.i32();
    if (length < 0) throw corrupt('serialized object: negative array length');
    const comp = desc.name[1];
    const size = PRIMITIVE_SIZE[comp];
    const arr: JavaArray = { kind: 'array', desc, length };
    this.setHandle(h, arr);
    if (size !== undefined) {
      if (length > this.r.remaining / size) throw corrupt('serialized object: array runs past the end');
      arr.primitive = this.r.bytes(length * size);
    } else {
      // Every element takes at least one byte.
      if (length > this.r.remaining) throw corrupt('serialized object: array runs past the end');
      arr.elements = [];
      for (let i = 0; i < length; i++) arr.elements.push(this.readContent());
    }
    return arr;
  }

  private readNewEnum(): JavaEnum {
    const desc = this.readClassDesc();
    if (!desc) throw corrupt('serialized object: enum without class descriptor');
    const e: JavaEnum = { kind: 'enum', desc, name: '' };
    this.newHandle(e);
    const name = this.readContent();
    if (!name || name.kind !== 'string') throw corrupt('serialized object: enum constant name is not a string');
    e.name = name.value;
    return e;
  }
}

/**
 * Read one serialization stream starting at `offset` (header plus one object).
 * Returns the object and the offset just past it.
 */
export function readSerializedStream(bytes: Uint8Array, offset = 0): { value: JavaValue; end: number } {
  if (offset > bytes.length) throw corrupt('serialized object is truncated');
  const r = new ByteReader(bytes.subarray(offset), 'serialized object');
  const s = new StreamReader(r);
  s.readHeader();
  const value = s.readObject();
  return { value, end: offset + r.offset };
}

/** Parse a buffer that must hold exactly one stream. */
export function parseSerialized(bytes: Uint8Array): JavaValue {
  const { value, end } = readSerializedStream(bytes, 0);
  if (end !== bytes.length) throw corrupt(`serialized object: ${bytes.length - end} unexpected bytes after the object`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Access helpers

/** A reference field of an object, looked up across its class hierarchy. */
export function fieldOf(obj: JavaObject, name: string, className?: string): JavaValue | undefined {
  for (const cd of obj.classData) {
    if (className && cd.desc.name !== className) continue;
    const v = cd.values.get(name);
    if (v !== undefined && !(v instanceof Uint8Array)) return v;
  }
  return undefined;
}

export function stringField(obj: JavaObject, name: string): string | null {
  const v = fieldOf(obj, name);
  if (v === undefined) throw corrupt(`serialized ${obj.desc.name}: field ${name} missing`);
  if (v === null) return null;
  if (v.kind !== 'string') throw corrupt(`serialized ${obj.desc.name}: field ${name} is not a string`);
  return v.value;
}

export function bytesField(obj: JavaObject, name: string): Uint8Array | null {
  const v = fieldOf(obj, name);
  if (v === undefined) throw corrupt(`serialized ${obj.desc.name}: field ${name} missing`);
  if (v === null) return null;
  if (v.kind !== 'array' || v.desc.name !== '[B' || !v.primitive) throw corrupt(`serialized ${obj.desc.name}: field ${name} is not a byte[]`);
  return v.primitive;
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface ClassSpec {
  readonly name: string;
  readonly suid: bigint;
  readonly flags: number;
  /** In ObjectStreamClass order: primitives first, then references, each group sorted by name. */
  readonly fields: readonly FieldDesc[];
  readonly superClass: ClassSpec | null;
}

/** A value to write: strings and byte arrays as JS values, objects/enums as tagged records. */
export type WriteValue =
  | null
  | string
  | Uint8Array
  | { readonly object: ClassSpec; readonly values: Readonly<Record<string, WriteValue>> }
  | { readonly enumOf: ClassSpec; readonly constant: string };

const BYTE_ARRAY_CLASS: ClassSpec = { name: '[B', suid: 0xacf317f8060854e0n, flags: SC.SERIALIZABLE, fields: [], superClass: null };

/**
 * ObjectOutputStream's handle bookkeeping, reduced to what keys need: class descriptors and field
 * type strings are shared by name (the JDK interns signatures and caches descriptors per class);
 * value strings and arrays are new objects each time, as they are distinct Java instances.
 */
class StreamWriter {
  readonly w = new ByteWriter();
  private next = 0;
  private classHandles = new Map<string, number>();
  private sigHandles = new Map<string, number>();

  constructor() {
    this.w.u16(STREAM_MAGIC).u16(STREAM_VERSION);
  }
  private handle(): number {
    return this.next++;
  }
  private ref(h: number): void {
    this.w.u8(TC.REFERENCE).u32(BASE_HANDLE + h);
  }

  private string(s: string): void {
    const enc = encodeModifiedUtf8(s);
    this.handle();
    if (enc.length <= 0xffff) this.w.u8(TC.STRING).u16(enc.length).raw(enc);
    else this.w.u8(TC.LONGSTRING).u64(BigInt(enc.length)).raw(enc);
  }

  private classDesc(spec: ClassSpec | null): void {
    if (!spec) {
      this.w.u8(TC.NULL);
      return;
    }
    const known = this.classHandles.get(spec.name);
    if (known !== undefined) {
      this.ref(known);
      return;
    }
    this.w.u8(TC.CLASSDESC).utf(spec.name).u64(BigInt.asUintN(64, spec.suid));
    this.classHandles.set(spec.name, this.handle());
    this.w.u8(spec.flags).u16(spec.fields.length);
    for (const f of spec.fields) {
      this.w.u8(f.typeCode.charCodeAt(0)).utf(f.name);
      if (f.signature !== undefined) {
        const h = this.sigHandles.get(f.signature);
        if (h !== undefined) this.ref(h);
        else {
          this.sigHandles.set(f.signature, this.next);
          this.string(f.signature);
        }
      }
    }
    this.w.u8(TC.ENDBLOCKDATA); // no class annotation
    this.classDesc(spec.superClass);
  }

  value(v: WriteValue): void {
    if (v === null) {
      this.w.u8(TC.NULL);
    } else if (typeof v === 'string') {
      this.string(v);
    } else if (v instanceof Uint8Array) {
      this.w.u8(TC.ARRAY);
      this.classDesc(BYTE_ARRAY_CLASS);
      this.handle();
      this.w.u32(v.length).raw(v);
    } else if ('enumOf' in v) {
      this.w.u8(TC.ENUM);
      this.classDesc(v.enumOf);
      this.handle();
      this.string(v.constant);
    } else {
      this.w.u8(TC.OBJECT);
      this.classDesc(v.object);
      this.handle();
      const chain: ClassSpec[] = [];
      for (let c: ClassSpec | null = v.object; c; c = c.superClass) chain.unshift(c);
      for (const c of chain) {
        for (const f of c.fields) {
          if (f.signature === undefined) throw new KtoolError('UNSUPPORTED', `serialization writer: primitive field ${f.name} is not supported`);
          const fv = v.values[f.name];
          if (fv === undefined) throw new KtoolError('UNSUPPORTED', `serialization writer: no value for ${c.name}.${f.name}`);
          this.value(fv);
        }
      }
    }
  }
}

/** Serialize one object as a complete stream (header + object), as `new ObjectOutputStream(out).writeObject(o)`. */
export function serializeStream(v: WriteValue): Uint8Array {
  const s = new StreamWriter();
  s.value(v);
  return s.w.toBytes();
}

// ---------------------------------------------------------------------------------------------
// The classes JCEKS uses for secret keys

const STRING_SIG = 'Ljava/lang/String;';
const BYTES_SIG = '[B';

export const SEALED_OBJECT_CLASS: ClassSpec = {
  name: 'javax.crypto.SealedObject',
  suid: 0x3e363da6c3b75470n,
  flags: SC.SERIALIZABLE,
  fields: [
    { typeCode: '[', name: 'encodedParams', signature: BYTES_SIG },
    { typeCode: '[', name: 'encryptedContent', signature: BYTES_SIG },
    { typeCode: 'L', name: 'paramsAlg', signature: STRING_SIG },
    { typeCode: 'L', name: 'sealAlg', signature: STRING_SIG },
  ],
  superClass: null,
};

export const SEALED_FOR_KEY_PROTECTOR_CLASS: ClassSpec = {
  name: 'com.sun.crypto.provider.SealedObjectForKeyProtector',
  suid: 0xcd57ca59e730bb53n,
  flags: SC.SERIALIZABLE,
  fields: [],
  superClass: SEALED_OBJECT_CLASS,
};

export const SECRET_KEY_SPEC_CLASS: ClassSpec = {
  name: 'javax.crypto.spec.SecretKeySpec',
  suid: 0x5b470b66e230614dn,
  flags: SC.SERIALIZABLE,
  fields: [
    { typeCode: 'L', name: 'algorithm', signature: STRING_SIG },
    { typeCode: '[', name: 'key', signature: BYTES_SIG },
  ],
  superClass: null,
};

const ENUM_CLASS: ClassSpec = { name: 'java.lang.Enum', suid: 0n, flags: SC.SERIALIZABLE | SC.ENUM, fields: [], superClass: null };
const KEYREP_TYPE_CLASS: ClassSpec = { name: 'java.security.KeyRep$Type', suid: 0n, flags: SC.SERIALIZABLE | SC.ENUM, fields: [], superClass: ENUM_CLASS };

export const KEYREP_CLASS: ClassSpec = {
  name: 'java.security.KeyRep',
  suid: 0xbdf94fb3889aa543n,
  flags: SC.SERIALIZABLE,
  fields: [
    { typeCode: 'L', name: 'algorithm', signature: STRING_SIG },
    { typeCode: '[', name: 'encoded', signature: BYTES_SIG },
    { typeCode: 'L', name: 'format', signature: STRING_SIG },
    { typeCode: 'L', name: 'type', signature: 'Ljava/security/KeyRep$Type;' },
  ],
  superClass: null,
};

/** The fields of a javax.crypto.SealedObject (or its JCEKS subclass). */
export interface SealedObjectFields {
  readonly className: string;
  readonly encodedParams: Uint8Array | null;
  readonly encryptedContent: Uint8Array | null;
  readonly paramsAlg: string | null;
  readonly sealAlg: string | null;
}

const isSealedClass = (name: string): boolean => name === SEALED_FOR_KEY_PROTECTOR_CLASS.name || name === SEALED_OBJECT_CLASS.name;

/** Read a JCEKS tag-3 payload: one stream holding a SealedObject(ForKeyProtector). */
export function readSealedObject(serialized: Uint8Array): SealedObjectFields {
  const v = parseSerialized(serialized);
  if (!v || v.kind !== 'object' || !isSealedClass(v.desc.name)) {
    throw corrupt(`sealed key: expected a ${SEALED_FOR_KEY_PROTECTOR_CLASS.name}, found ${describe(v)}`);
  }
  if (!v.classData.some((cd) => cd.desc.name === SEALED_OBJECT_CLASS.name)) throw corrupt('sealed key: not a javax.crypto.SealedObject');
  return {
    className: v.desc.name,
    encodedParams: bytesField(v, 'encodedParams'),
    encryptedContent: bytesField(v, 'encryptedContent'),
    paramsAlg: stringField(v, 'paramsAlg'),
    sealAlg: stringField(v, 'sealAlg'),
  };
}

/** Serialize a SealedObjectForKeyProtector exactly as JceKeyStore's ObjectOutputStream does. */
export function writeSealedObject(f: { encodedParams: Uint8Array; encryptedContent: Uint8Array; paramsAlg: string; sealAlg: string }): Uint8Array {
  return serializeStream({
    object: SEALED_FOR_KEY_PROTECTOR_CLASS,
    values: { encodedParams: f.encodedParams, encryptedContent: f.encryptedContent, paramsAlg: f.paramsAlg, sealAlg: f.sealAlg },
  });
}

export interface JavaSecretKey {
  readonly algorithm: string;
  readonly key: Uint8Array;
  /** SecretKeySpec for generated keys; KeyRep for PBE keys from `keytool -importpass`. */
  readonly javaForm: 'SecretKeySpec' | 'KeyRep';
}

/** The decrypted content of a sealed key: a serialized SecretKeySpec or KeyRep(SECRET, RAW). */
export function readSerializedSecretKey(bytes: Uint8Array): JavaSecretKey {
  const v = parseSerialized(bytes);
  if (v && v.kind === 'object' && v.desc.name === SECRET_KEY_SPEC_CLASS.name) {
    const algorithm = stringField(v, 'algorithm');
    const key = bytesField(v, 'key');
    if (algorithm === null || key === null) throw corrupt('serialized SecretKeySpec: algorithm or key is null');
    return { algorithm, key, javaForm: 'SecretKeySpec' };
  }
  if (v && v.kind === 'object' && v.desc.name === KEYREP_CLASS.name) {
    const algorithm = stringField(v, 'algorithm');
    const key = bytesField(v, 'encoded');
    const format = stringField(v, 'format');
    const type = fieldOf(v, 'type');
    if (algorithm === null || key === null) throw corrupt('serialized KeyRep: algorithm or key is null');
    if (!type || type.kind !== 'enum' || type.name !== 'SECRET') throw corrupt('serialized KeyRep: not a secret key');
    // KeyRep.readResolve only builds secret keys from RAW encodings.
    if (format !== 'RAW') throw corrupt(`serialized KeyRep: unsupported format ${JSON.stringify(format)}`);
    return { algorithm, key, javaForm: 'KeyRep' };
  }
  throw corrupt(`sealed key holds ${describe(v)}, not a SecretKeySpec or KeyRep`);
}

export function writeSerializedSecretKey(k: JavaSecretKey): Uint8Array {
  if (k.javaForm === 'KeyRep') {
    return serializeStream({
      object: KEYREP_CLASS,
      values: { algorithm: k.algorithm, encoded: k.key, format: 'RAW', type: { enumOf: KEYREP_TYPE_CLASS, constant: 'SECRET' } },
    });
  }
  return serializeStream({ object: SECRET_KEY_SPEC_CLASS, values: { algorithm: k.algorithm, key: k.key } });
}

function describe(v: JavaValue): string {
  if (v === null) return 'null';
  if (v.kind === 'string') return 'a string';
  if (v.kind === 'classDesc') return 'a class descriptor';
  return `${v.kind} ${v.desc.name}`;
}
