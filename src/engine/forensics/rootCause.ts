export * from './rootCause/index';
