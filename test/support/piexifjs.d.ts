/** The part of piexifjs (devDependency, no types of its own) the fixtures use: EXIF as latin1 "binary strings". */
declare module 'piexifjs' {
  type IfdValue = number | string | number[];
  interface ExifDict {
    '0th'?: Record<number, IfdValue>;
    Exif?: Record<number, IfdValue>;
    '1st'?: Record<number, IfdValue>;
    thumbnail?: string | null;
  }
  const piexif: {
    dump(exif: ExifDict): string;
    insert(exif: string, jpeg: string): string;
    ImageIFD: { Orientation: number; Compression: number; Make: number; Model: number; XResolution: number; YResolution: number };
  };
  export default piexif;
}
