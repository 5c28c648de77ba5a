"""Configuration that protects health data."""


def test_sql_parameters_never_reach_error_messages() -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from telemon.config import engine_options

    engine = create_engine("sqlite://", **engine_options("sqlite://"))
    with engine.connect() as conn:
        conn.execute(text("create table p (cpr text unique)"))
        conn.execute(text("insert into p values (:c)"), {"c": "0101701234"})
        try:
            conn.execute(text("insert into p values (:c)"), {"c": "0101701234"})
        except SQLAlchemyError as error:
            assert "0101701234" not in str(error)
        else:
            raise AssertionError("the duplicate should have been refused")
