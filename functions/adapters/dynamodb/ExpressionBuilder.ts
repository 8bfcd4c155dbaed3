import type { AttributeValue } from '@aws-sdk/client-dynamodb';

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Builds update and condition expressions with placeholders only: every attribute name goes
 * through `ExpressionAttributeNames` (`status` is a reserved word) and every value through
 * `ExpressionAttributeValues`, so no input is ever interpolated into an expression.
 */
export class ExpressionBuilder {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, AttributeValue> = {};
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  private valueCount = 0;

  /** The placeholder for an attribute name. Names are our own constants, checked anyway. */
  name(attribute: string): string {
    if (!ATTRIBUTE_NAME.test(attribute)) throw new Error(`invalid attribute name: ${attribute}`);
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  /** A fresh placeholder bound to `value`. */
  value(value: AttributeValue): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** `SET attribute = <operand>`, where the operand was built from name()/value(). */
  set(attribute: string, operand: string): this {
    this.sets.push(`${this.name(attribute)} = ${operand}`);
    return this;
  }

  /** `SET attribute = :value`; skipped when the value is undefined. */
  setValue(attribute: string, value: AttributeValue | undefined): this {
    return value === undefined ? this : this.set(attribute, this.value(value));
  }

  /** Sets the attribute only if the item does not have it yet. */
  setIfAbsent(attribute: string, value: AttributeValue | undefined): this {
    if (value === undefined) return this;
    return this.set(attribute, `if_not_exists(${this.name(attribute)}, ${this.value(value)})`);
  }

  /** `ADD attribute :value`: adds to a number, or puts elements into a set (idempotently). */
  add(attribute: string, value: AttributeValue): this {
    this.adds.push(`${this.name(attribute)} ${this.value(value)}`);
    return this;
  }

  remove(...attributes: string[]): this {
    for (const attribute of attributes) this.removes.push(this.name(attribute));
    return this;
  }

  updateExpression(): string {
    const clauses: string[] = [];
    if (this.sets.length) clauses.push(`SET ${this.sets.join(', ')}`);
    if (this.removes.length) clauses.push(`REMOVE ${this.removes.join(', ')}`);
    if (this.adds.length) clauses.push(`ADD ${this.adds.join(', ')}`);
    return clauses.join(' ');
  }

  /** Placeholder maps for the request; DynamoDB rejects an empty values map. */
  attributes(): {
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  } {
    return {
      ExpressionAttributeNames: { ...this.names },
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }
}
