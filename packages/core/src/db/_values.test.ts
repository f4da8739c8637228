import { describe, expect, test } from 'vitest'
import { numberIfSafe, timestampToIso, toJsonValue } from './_values.js'

describe('numberIfSafe', () => {
  test.each([
    ['42', 42],
    ['-7', -7],
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', '9007199254740993'],
    ['12.50', 12.5],
    ['-0.001', -0.001],
    ['0.000', 0],
    ['123456789012345.6', '123456789012345.6'],
    ['12345678901234.5', 12345678901234.5],
    ['NaN', 'NaN'],
    ['', ''],
  ])('%j → %j', (text, expected) => {
    expect(numberIfSafe(text)).toBe(expected)
  })
})

describe('timestampToIso', () => {
  test.each([
    ['2024-01-02 03:04:05', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02 03:04:05.123456', '2024-01-02T03:04:05.123Z'],
    ['2024-01-02 03:04:05+02', '2024-01-02T01:04:05.000Z'],
    ['2024-01-02 03:04:05.5-05:30', '2024-01-02T08:34:05.500Z'],
    ['infinity', 'infinity'],
    ['0000-00-00 00:00:00', '0000-00-00 00:00:00'],
    ['2024-01-02 03:04:05 BC', '2024-01-02 03:04:05 BC'],
  ])('%j → %j', (text, expected) => {
    expect(timestampToIso(text)).toBe(expected)
  })
})

describe('toJsonValue', () => {
  test('dates, bigints, buffers and BSON values become plain JSON values', () => {
    const objectId = { _bsontype: 'ObjectId', toHexString: () => '65a1b2c3d4e5f60718293a4b', toString: () => 'x' }
    const long = { _bsontype: 'Long', toString: () => '12' }
    const decimal = { _bsontype: 'Decimal128', toString: () => '123456789012345678901.5' }
    expect(
      toJsonValue({
        _id: objectId,
        at: new Date('2024-01-02T03:04:05Z'),
        big: 10n,
        huge: 2n ** 64n,
        buf: Buffer.from('hi'),
        nested: [{ n: long, d: decimal, u: undefined }],
      }),
    ).toEqual({
      _id: '65a1b2c3d4e5f60718293a4b',
      at: '2024-01-02T03:04:05.000Z',
      big: 10,
      huge: '18446744073709551616',
      buf: 'hi',
      nested: [{ n: 12, d: '123456789012345678901.5', u: null }],
    })
  })
})
