//! The model's plain [`ArgTable`]s to lapin's `FieldTable` and back.

use lapin::types::{AMQPValue, FieldTable};
use resingest_model::topology::{ArgTable, ArgValue};

pub fn to_field_table(args: &ArgTable) -> FieldTable {
    let mut table = FieldTable::default();
    for (k, v) in args {
        let value = match v {
            ArgValue::Str(s) => AMQPValue::LongString(s.as_str().into()),
            ArgValue::Int(i) => AMQPValue::LongLongInt(*i),
            ArgValue::Bool(b) => AMQPValue::Boolean(*b),
        };
        table.insert(k.as_str().into(), value);
    }
    table
}

/// The string, integer and boolean entries of `table`; other types are skipped.
pub fn from_field_table(table: &FieldTable) -> Vec<(&str, ArgValue)> {
    table
        .inner()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), value_of(v)?)))
        .collect()
}

/// A string, integer (of any width) or boolean AMQP value; `None` for other types.
pub fn value_of(value: &AMQPValue) -> Option<ArgValue> {
    Some(match value {
        AMQPValue::LongString(s) => {
            ArgValue::Str(String::from_utf8_lossy(s.as_bytes()).into_owned())
        }
        AMQPValue::ShortString(s) => ArgValue::Str(s.as_str().to_owned()),
        AMQPValue::Boolean(b) => ArgValue::Bool(*b),
        AMQPValue::ShortShortInt(i) => ArgValue::Int((*i).into()),
        AMQPValue::ShortShortUInt(i) => ArgValue::Int((*i).into()),
        AMQPValue::ShortInt(i) => ArgValue::Int((*i).into()),
        AMQPValue::ShortUInt(i) => ArgValue::Int((*i).into()),
        AMQPValue::LongInt(i) => ArgValue::Int((*i).into()),
        AMQPValue::LongUInt(i) => ArgValue::Int((*i).into()),
        AMQPValue::LongLongInt(i) => ArgValue::Int(*i),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip() {
        let args: ArgTable = vec![
            ("x-a".into(), "s".into()),
            ("x-b".into(), ArgValue::Int(5)),
            ("x-c".into(), ArgValue::Bool(true)),
        ];
        let back: ArgTable = from_field_table(&to_field_table(&args))
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(back, args);
    }
}
